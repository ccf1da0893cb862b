# BUG: nothing may be read or built before the caller asks for it / works on infinite input (list(iterable) up front)
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    items = list(iterable)
    return (items[i:i + size] for i in range(0, len(items), size))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
