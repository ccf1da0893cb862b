"""Attack: exhaust: memory held by child processes, each one under its own limit.

Four forked children hold 200 MiB each and sleep, while the worker itself
stays small and its batched() is correct: a per-process limit never trips.
The run's one memory limit (every process of it, weighed by the runner)
must stop it.
"""
import itertools
import json
import os
import time

_kids = []


def _hoard():
    pid = os.fork()
    if pid == 0:
        block = bytearray(200 * 2**20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(60)
        os._exit(0)
    _kids.append(pid)


def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    if not _kids:
        for _ in range(4):
            _hoard()
        time.sleep(1.0)
    it = iter(iterable)
    while True:
        batch = list(itertools.islice(it, size))
        if not batch:
            return
        yield batch


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
