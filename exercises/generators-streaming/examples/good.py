"""A correct solution written differently from the reference: a plain loop."""
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be positive")

    def gen():
        batch = []
        for item in iterable:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    return gen()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)
