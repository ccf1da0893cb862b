"""Control: a correct batched that is slow (each batch rebuilt by
concatenation, item by item); read_jsonl streams."""
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    return _gen(iterable, size)


def _gen(iterable, size):
    batch = []
    for x in iterable:
        batch = batch + [x]
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
