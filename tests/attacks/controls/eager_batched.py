"""Control: the right values, eagerly (every batch built at the call), no tricks."""
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    items = list(iterable)
    return [items[i:i + size] for i in range(0, len(items), size)]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
