# CONTROL: an eager read_jsonl: every line read and parsed into a list
# before the first record is yielded.
import itertools
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    it = iter(iterable)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f.readlines() if line.strip()]
    yield from records
