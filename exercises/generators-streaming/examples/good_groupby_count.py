# A correct idiom: itertools.groupby keyed on a running count, one group per batch.
import itertools
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    counter = itertools.count()
    return (list(group) for _, group in
            itertools.groupby(iterable, key=lambda _item: next(counter) // size))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
