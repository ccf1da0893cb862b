"""The runner/worker protocol (pyharness.remote) between two real processes.

The worker is a forked child serving a small module over a socketpair, as in
a run (without the sandbox and the C host: `_pyharness` is a stand-in that
keeps the counters the C module would).
"""

import os
import socket
import sys
import time
import types
import unittest

fake = types.ModuleType("_pyharness")
fake.notes = []
fake.beats = {}
fake.inside_open = lambda: 0
fake.inside_close = lambda span: (0, 0, 0, 0, 0)
fake.inside_note = lambda *figs: fake.notes.append(figs)
fake.now_ns = time.monotonic_ns
fake.sched_sample = lambda: False
fake.heartbeat = lambda name: fake.beats.__setitem__(name, fake.beats.get(name, 0) + 1)
_calls = {}


_flight = {"now": 0, "peak": 0}


def _client_begin(cid, prompt):
    _calls[len(_calls) + 1] = prompt
    _flight["now"] += 1
    _flight["peak"] = max(_flight["peak"], _flight["now"])
    return len(_calls), 0.01, prompt == "fail"


def _client_end(token):
    _flight["now"] -= 1
    return "answer:" + _calls[token]


fake.client_begin = _client_begin
fake.client_end = _client_end
fake.client_cancel = lambda token: None
# The worker's C table of @inside functions, its sealed handles and cut calls
# (harness/py/inside_table.c, sealed.c), as plain Python.
_inside: dict = {}
fake.inside_seal = lambda fns, ns: _inside.update(fns)
fake.inside_call = lambda name, a, k: _inside[name](*a, **k)
fake.inside_get = lambda name: _inside[name]
fake.seal = lambda obj: (lambda: obj)
fake.cut = lambda fn, *a, **k: fn(*a, **k)
# The serving gate (harness/py/serve_gate.c): the key frame C writes before
# the import, and replies sealed under that key.
_KEY = os.urandom(32)


def _serve_seal(msg):
    import hashlib
    import hmac
    import json
    import struct
    body = json.dumps(msg, separators=(",", ":")).encode("ascii")
    data = b"S" + hmac.new(_KEY, body, hashlib.sha256).hexdigest().encode() + body
    return struct.pack(">I", len(data)) + data


def _send_key(fd):
    import json
    import struct
    body = json.dumps({"op": "key", "k": _KEY.hex()}).encode()
    os.write(fd, struct.pack(">I", len(body)) + body)


fake.serve_bind = lambda: None
fake.serve_seal = _serve_seal
sys.modules.setdefault("_pyharness", fake)

from pyharness import remote  # noqa: E402

SUBMISSION = '''
import asyncio

class Custom(KeyError):
    pass

def echo(*args, **kwargs):
    return [args, kwargs]

def gen(n):
    for i in range(n):
        yield i

def batched(it, size):
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf

def eager(it):
    return list(it)

def boom():
    raise Custom("nope")

class Box:
    def __init__(self):
        self.entered = 0
        self.seen = None
    def __enter__(self):
        self.entered += 1
        return self
    def __exit__(self, et, ev, tb):
        self.seen = et.__name__ if et else None
        return False

class Reraiser:
    def __enter__(self):
        return self
    def __exit__(self, et, ev, tb):
        raise ev

async def fetch(client, prompts):
    return await asyncio.gather(*(client.complete(p) for p in prompts))

def apply(fn, xs):
    return [fn(x) for x in xs]

def on_threads(fn, xs):
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(fn, xs))

def both_on_threads(service, callback, xs):
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda x: (service(x), callback(x)), xs))
'''


class RemoteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        module = types.ModuleType("submission")
        exec(SUBMISSION, module.__dict__)
        a, b = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the worker
            a.close()
            try:
                fd = os.dup(b.fileno())
                _send_key(fd)
                remote.serve(fd, module, None, "submission.py", lambda: [])
            finally:
                os._exit(0)
        b.close()
        cls.pid = pid
        cls.sub, err, _ = remote.start(os.dup(a.fileno()), pid, {})
        a.close()
        assert err is None, err
        cls.r = remote.runner()

    @classmethod
    def tearDownClass(cls):
        cls.r.bye()
        os.waitpid(cls.pid, 0)

    def test_plain_values_cross_with_their_types(self):
        value = (1, 2.0, "é\udc80", b"\x00\xff", None, True, {1: "a", (2, 3): [4]},
                 {5, 6}, frozenset({7}), range(3, 9, 2), 10**5000)
        args, kwargs = self.sub.echo(*value, key=[1, (2,)])
        self.assertEqual(args, value)
        self.assertEqual([type(v) for v in args], [type(v) for v in value])
        self.assertEqual(kwargs, {"key": [1, (2,)]})

    def test_a_generator_stays_in_the_worker(self):
        g = self.sub.gen(3)
        self.assertIsInstance(g, remote.Remote)
        self.assertIs(iter(g), g)
        self.assertEqual(list(g), [0, 1, 2])
        self.assertEqual(remote.Remote.__repr__(g), "<generator in the worker>")

    def test_a_fed_iterator_is_counted_by_the_runner(self):
        pulled = []

        def source():
            for i in range(100):
                pulled.append(i)
                yield i

        batches = self.sub.batched(source(), 3)
        self.assertEqual(pulled, [])
        self.assertEqual(next(batches), [0, 1, 2])
        self.assertEqual(len(pulled), 3)
        self.assertEqual(len(list(batches)), 33)

    def test_an_endless_input_being_stored_trips(self):
        import itertools

        with self.assertRaises(MemoryError):
            self.sub.eager(itertools.count())

    def test_exceptions_keep_name_bases_and_message(self):
        with self.assertRaises(KeyError) as cm:
            self.sub.boom()
        self.assertEqual(type(cm.exception).__name__, "Custom")
        self.assertEqual(cm.exception.args, ("nope",))

    def test_exception_classes_the_worker_names_are_cut_and_bounded(self):
        # Red-team 8's class_flood: distinct, huge names grew the runner.
        for i in range(3 * remote.SYNTHETIC_MAX):
            cls = remote.exception_class({"type": f"E{i}" + "x" * 5000, "module": "m",
                                          "bases": ["ValueError"]})
            self.assertLessEqual(len(cls.__name__), remote.NAME_MAX)
            self.assertTrue(issubclass(cls, ValueError))
        self.assertLessEqual(len(remote._SYNTHETIC), remote.SYNTHETIC_MAX)

    def test_with_blocks_and_the_exception_passed_through(self):
        box = self.sub.Box()
        err = ValueError("x")
        with self.assertRaises(ValueError) as cm:
            with box:
                raise err
        self.assertIs(cm.exception, err)
        self.assertEqual(box.entered, 1)
        self.assertEqual(box.seen, "ValueError")
        with self.assertRaises(ValueError) as cm:
            with self.sub.Reraiser():
                raise err
        self.assertIs(cm.exception, err)

    def test_an_error_after_items_reaches_the_submission_after_them(self):
        def source():
            yield from range(100)
            raise KeyError("end")

        with self.assertRaises(KeyError):
            self.sub.eager(source())

    def test_callbacks_from_threads_get_their_own_answers(self):
        def slow_double(x):
            time.sleep(0.01 * (5 - x))
            return 2 * x

        self.assertEqual(self.sub.on_threads(slow_double, list(range(5))), [0, 2, 4, 6, 8])

    def test_callbacks_and_builtins(self):
        self.assertEqual(self.sub.apply(len, ["ab", "c"]), [2, 1])
        self.assertEqual(self.sub.apply(str.upper, ["ab"]), ["AB"])
        self.assertEqual(self.sub.apply(lambda x: x * 10, [1, 2]), [10, 20])

    def test_the_llm_service_answers_from_the_runner(self):
        client = remote.Client(7, "svc")
        out = self.r.run_async(self.sub.fetch, (client, ["a", "b"]), {}, "loop", 5.0, None)
        self.assertEqual(out, ["answer:a", "answer:b"])
        self.assertGreaterEqual(fake.beats.get("loop", 0), 2)
        with self.assertRaises(Exception) as cm:
            self.r.run_async(self.sub.fetch, (client, ["fail"]), {}, None, 5.0, None)
        self.assertEqual(type(cm.exception).__name__, "CompletionError")

    def test_a_blocking_service_counts_the_calls_in_flight(self):
        svc = remote.Service(8, "io")
        keys = ["k%d" % i for i in range(12)]
        _flight["peak"] = 0
        self.assertEqual(self.sub.on_threads(svc, keys), ["answer:" + k for k in keys])
        self.assertEqual(_flight["peak"], 4)  # the pool's 4 threads, each blocked in a call
        _flight["peak"] = 0
        self.assertEqual(self.sub.apply(svc, keys[:3]), ["answer:" + k for k in keys[:3]])
        self.assertEqual(_flight["peak"], 1)
        self.assertEqual(_flight["now"], 0)

    def test_blocking_calls_and_callbacks_from_threads_share_the_socket(self):
        svc = remote.Service(9, "io")
        keys = ["m%d" % i for i in range(16)]
        out = self.sub.both_on_threads(svc, lambda x: x.upper(), keys)
        self.assertEqual(out, [("answer:" + k, k.upper()) for k in keys])
        # The worker still serves plain requests afterwards.
        self.assertEqual(self.sub.echo(1), [(1,), {}])

    def test_a_lying_worker_is_a_protocol_error_not_a_crash(self):
        r = remote._Runner.__new__(remote._Runner)
        r.remotes = {}
        for bad in ({"$nope": 1}, {"$t": 5}, {"$h": ["x", "y"]}, {"a": 1, "b": 2}):
            with self.assertRaises(remote.ProtocolError):
                r.decode(bad)


if __name__ == "__main__":
    unittest.main()
