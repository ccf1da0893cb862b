"""CONTROL: read_jsonl that reads and parses the WHOLE file before yielding
the first record (eager)."""
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    while True:
        batch = []
        for x in it:
            batch.append(x)
            if len(batch) == size:
                break
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f.read().splitlines() if line.strip()]
    yield from records
