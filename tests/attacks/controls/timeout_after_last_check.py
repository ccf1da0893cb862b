"""Control for timeout_after_last_check.py: the same correct code, ending normally."""
import json
from itertools import islice




def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return _batches(iter(iterable), size)


def _batches(it, size):
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
