# BUG: read_jsonl streams, nothing built before asked for (parses the whole file into a list first)
import json
from itertools import islice


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    while batch := list(islice(it, size)):
        yield batch


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f.readlines() if line.strip()]
    return iter(records)
