"""Control: read_jsonl reads the whole file (a counting pre-pass) before its first record."""
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
    # Eager pre-pass: the whole file is read (and its lines counted) before
    # the first record, 64 KiB at a time (no memory held).
    with open(path, "rb") as f:
        n = 0
        while True:
            b = f.read(65536)
            if not b:
                break
            n += b.count(b"\n")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
