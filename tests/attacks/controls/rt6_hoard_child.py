"""CONTROL: batched() that keeps every item it ever saw (a leak) in the worker."""
import json

_hoard = []


def _keep(batch):
    _hoard.append(list(batch))


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    it = iter(iterable)
    while True:
        batch = []
        for x in it:
            batch.append(x)
            if len(batch) == size:
                break
        if not batch:
            return
        _keep(batch)
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
