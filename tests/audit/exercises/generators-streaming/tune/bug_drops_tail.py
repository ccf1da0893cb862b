# BUG: the last list may be shorter (zip(*[iter]*n) idiom drops the incomplete tail)
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    it = iter(iterable)
    return (list(t) for t in zip(*[it] * size))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
