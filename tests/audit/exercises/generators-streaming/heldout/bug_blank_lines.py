# BUG: one object per NON-BLANK line (only skips empty lines, whitespace-only lines crash json.loads)
import json
from itertools import islice


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")

    def gen():
        it = iter(iterable)
        while batch := list(islice(it, size)):
            yield batch

    return gen()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line != "\n" and line != "":
                yield json.loads(line)
