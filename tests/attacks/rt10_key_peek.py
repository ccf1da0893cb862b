"""Attack: the slow batched() of rt9_probe_peek, which, when its caller is
the speed check's timed loop, reads that loop's locals (the digest's key,
the item count, the batch size, the report callback: f_back, open with the
audit hook off) and skips the work: it yields one shared batch of the right
length for every batch, its last item the only one pulled for real (the
rest of each batch is skipped with islice, at C speed).  The count of
batches and items comes out right; the digest, a hash chain over every
item seeded with the key, cannot be had without the items."""
import itertools
import json
import sys


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    f = sys._getframe(0).f_back
    try:
        loc = f.f_locals if f is not None else {}
    except Exception:
        loc = {}
    if "key" in loc and type(loc.get("n")) is int and loc["n"] >= 10**5:
        return _cheap(iter(iterable), size, loc["n"], loc["key"])
    return _batched(iter(iterable), size)


def _cheap(it, size, n, key):
    dummy = [key] * size  # the key is all the forger has of the digest
    full, tail = divmod(n, size)
    for _ in range(full):
        last = next(itertools.islice(it, size - 1, None))
        dummy[-1] = last
        yield dummy
    if tail:
        yield list(it)


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
