# GOOD: itertools.islice loop for batched; line-by-line file iteration for read_jsonl
import json
from itertools import islice


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    while True:
        batch = list(islice(it, size))
        if not batch:
            return
        yield batch


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
