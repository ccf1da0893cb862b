# GOOD: iter(callable, sentinel) over islice; read_jsonl via a generator expression inside a with-block generator
import json
from itertools import islice


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")

    def gen():
        it = iter(iterable)
        yield from iter(lambda: list(islice(it, size)), [])

    return gen()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for obj in (json.loads(ln) for ln in f if not ln.isspace() and ln):
            yield obj
