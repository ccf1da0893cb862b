"""CONTROL: batched() that keeps every item it hands out in a list."""
import json

_kept = []


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    while True:
        batch = []
        for x in it:
            batch.append(x)
            if len(batch) == size:
                break
        if not batch:
            return
        _kept.append(repr(batch).encode().ljust(16 * len(batch)))
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
