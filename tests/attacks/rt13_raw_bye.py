"""Attack (integ13): a correct solution whose sys.stdout flush(), first
called when the worker flushes its streams after the last check, writes a
raw goodbye frame on the harness's socket (fd 3) and then sleeps 30 s.  On
the old binary the runner took that frame as the worker's own goodbye and
ended the run at once, as finished: code that runs on after the checks
(rt9_bye_sleep: timeout) passed with full credit.  The worker's goodbye is
now sealed by its serving loop like a reply (serve_gate.c): an unsealed one
stops the run as a protocol error."""

import itertools
import json
import os
import struct
import sys
import time


class _Out:
    def __init__(self, inner):
        self._inner = inner
        self._armed = True

    def write(self, s):
        return self._inner.write(s)

    def flush(self):
        # Nothing prints to stdout: the first flush is the end of the run,
        # after the worker read the runner's goodbye.  Say goodbye for the
        # worker (a raw frame on the harness's socket, fd 3), then run on.
        if self._armed:
            self._armed = False
            data = json.dumps({"op": "bye"}, separators=(",", ":")).encode()
            os.write(3, struct.pack(">I", len(data)) + data)
            time.sleep(30)
        return self._inner.flush()

    def __getattr__(self, name):
        return getattr(self._inner, name)


sys.stdout = _Out(sys.stdout)


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    while True:
        b = list(itertools.islice(it, size))
        if not b:
            return
        yield b


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
