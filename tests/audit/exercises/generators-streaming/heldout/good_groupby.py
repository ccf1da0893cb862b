# GOOD: itertools.groupby on a counter key (index // size); read_jsonl with filter + map
import json
from itertools import count, groupby


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")

    def gen():
        c = count()
        for _, grp in groupby(iterable, key=lambda _x: next(c) // size):
            yield list(grp)

    return gen()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        yield from map(json.loads, filter(str.strip, f))
