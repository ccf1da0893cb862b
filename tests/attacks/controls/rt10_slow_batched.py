"""Control: a correct but slow batched() (item by item, with wasted work per
item): the speed check runs it as it is."""
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    b = []
    for x in it:
        b.append(x)
        _ = repr(x) + repr(x)  # wasted work: about 4x the reference's time
        if len(b) == size:
            yield b
            b = []
    if b:
        yield b


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
