"""The runner's side of sealed frames (pyharness.remote.Wire).

Replies and the import report are sealed by the worker's serving loop
(harness/py/serve_gate.c): 'S', the HMAC-SHA256 of the JSON body under the
run's key in hex, then the body.  The runner must take a frame as sealed
only when that MAC holds under the key it was sent, and never take a plain
frame (or one with a key of the submission's choosing) as sealed.
"""

import hashlib
import hmac
import json
import os
import socket
import unittest

from pyharness import remote


def _frame(body: bytes, key: bytes | None) -> bytes:
    if key is not None:
        body = b"S" + hmac.new(key, body, hashlib.sha256).hexdigest().encode() + body
    return remote.HEADER.pack(len(body)) + body


class SealedFrameTest(unittest.TestCase):
    def setUp(self) -> None:
        self.a, self.b = socket.socketpair()
        self.wire = remote.Wire(self.a.fileno())
        self.wire.key = os.urandom(32)
        self.body = json.dumps({"op": "re", "q": 1, "ok": 3}).encode()

    def tearDown(self) -> None:
        self.a.close()
        self.b.close()

    def _recv(self, data: bytes) -> dict | None:
        self.b.sendall(data)
        return self.wire.recv(5.0)

    def test_sealed_under_the_key(self) -> None:
        msg = self._recv(_frame(self.body, self.wire.key))
        self.assertIs(type(msg), remote.Sealed)
        self.assertEqual(msg, {"op": "re", "q": 1, "ok": 3})

    def test_plain_frame_is_not_sealed(self) -> None:
        msg = self._recv(_frame(self.body, None))
        self.assertIs(type(msg), dict)

    def test_other_key_refused(self) -> None:
        with self.assertRaises(remote.ProtocolError):
            self._recv(_frame(self.body, os.urandom(32)))

    def test_altered_body_refused(self) -> None:
        data = bytearray(_frame(self.body, self.wire.key))
        data[-2] ^= 1  # the reply's value, after the MAC was taken
        with self.assertRaises(remote.ProtocolError):
            self._recv(bytes(data))

    def test_no_key_yet_refused(self) -> None:
        self.wire.key = None
        with self.assertRaises(remote.ProtocolError):
            self._recv(_frame(self.body, os.urandom(32)))


class WorkerClassTest(unittest.TestCase):
    def test_no_subclass(self) -> None:
        with self.assertRaises(TypeError):
            type("Mine", (remote._Worker,), {})


if __name__ == "__main__":
    unittest.main()
