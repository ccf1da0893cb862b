"""Model solution for generators-streaming (the answer key: never shown to candidates)."""

import json
from itertools import islice


def batched(iterable, size):
    """Yield lists of up to `size` items from `iterable`, lazily."""
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
    """Yield one parsed object per non-blank line of a JSON Lines file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
