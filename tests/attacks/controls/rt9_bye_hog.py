"""Control for rt9_bye_hog: the same wrapped sys.stdout, whose flush()
holds nothing (a correct solution: passes)."""

import itertools
import json
import os
import sys
import time


def _hog():
    pids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            try:
                b = bytearray(200 << 20)
                for i in range(0, len(b), 4096):
                    b[i] = 1
                time.sleep(6)
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)


class _Out:
    def __init__(self, inner):
        self._inner = inner
        self._armed = True

    def write(self, s):
        return self._inner.write(s)

    def flush(self):
        # Nothing prints to stdout: the first flush is the end of the run.
        if self._armed:
            self._armed = False
            pass
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
