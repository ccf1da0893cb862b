"""Control of rt13_raw_bye: the same correct solution and stdout wrapper,
whose flush() only flushes (no frame of its own, no sleep)."""

import itertools
import json
import os
import sys
import time


class _Out:
    def __init__(self, inner):
        self._inner = inner
        self._armed = True

    def write(self, s):
        return self._inner.write(s)

    def flush(self):
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
