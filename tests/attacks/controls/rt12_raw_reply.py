"""Control: the same slow temporary() (CPU burnt on every enter), graded as
it is: no takeover, no raw reply."""
import json
import os
import struct
import sys
import time
from contextlib import contextmanager

_MISSING = object()


class Timer:
    def __enter__(self):
        self._s = time.perf_counter()
        return self

    def __exit__(self, *a):
        self.elapsed = time.perf_counter() - self._s
        return False


def _burn():
    x = 0
    for i in range(60):
        x += i * i
    return x


@contextmanager
def temporary(settings, **overrides):
    _burn()
    saved = {k: settings.get(k, _MISSING) for k in overrides}
    settings.update(overrides)
    try:
        yield settings
    finally:
        for k, v in saved.items():
            if v is _MISSING:
                settings.pop(k, None)
            else:
                settings[k] = v


def _raw_reply(q, value):
    data = json.dumps({"op": "re", "q": q, "ok": value, "fig": [0, 0, 0, 0, 0]},
                      separators=(",", ":")).encode()
    os.write(3, struct.pack(">I", len(data)) + data)


def _takeover():
    import pyharness.remote as remote
    from pyharness.runtime import describe_exception

    w = remote._Worker(3, sys.modules[__name__],
                       lambda e: describe_exception(e, "submission.py"), lambda: [])
    real_run = w.run

    class Answered(Exception):
        pass

    def run(op, msg):
        if op == "inside" and msg.get("name") == "enter_exit":
            args = w.decode(msg["a"])
            _raw_reply(msg["q"], [True, args[3]])
            msg["q"] = None  # the loop's own reply now answers nothing
            raise Answered()
        return real_run(op, msg)

    real_send = w.wire.send

    def send(m):
        if m.get("op") == "re" and m.get("q") is None:
            return  # already answered, raw
        real_send(m)

    w.run = run
    w.wire.send = send
    w.wire.send({"op": "ready", "callables": ["Timer", "temporary"]})
    w.serve()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)

