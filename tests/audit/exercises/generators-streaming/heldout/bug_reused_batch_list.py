# BUG: yields lists of consecutive items (reuses and clears one list object, so earlier batches get overwritten)
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")

    def gen():
        batch = []
        for item in iterable:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch.clear()
        if batch:
            yield batch

    return gen()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
