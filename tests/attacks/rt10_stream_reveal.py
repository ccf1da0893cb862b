"""Attack: the slow batched() of rt9_probe_peek, which skips the work when it
can see the timed input whole: it tries every way Python offers to learn
what an iterator will yield without pulling it (__reduce__, __reduce_ex__,
copy, pickle, __length_hint__, attributes, gc referents).  If one gives a
range, only the last item of each batch is right (the old digest summed
last items); nothing is revealed by the speed check's input, a C iterator,
so the slow path runs."""
import copy
import gc
import json
import operator
import pickle


def _reveal(it):
    """A range holding the iterator's items, if anything gives it away."""
    tries = [lambda: it.__reduce__(), lambda: it.__reduce_ex__(2), lambda: copy.copy(it),
             lambda: pickle.loads(pickle.dumps(it)), lambda: gc.get_referents(it),
             lambda: [getattr(it, a) for a in dir(it) if not a.startswith("__")]]
    for t in tries:
        try:
            got = t()
        except Exception:
            continue
        stack = [got]
        while stack:
            x = stack.pop()
            if type(x) is range:
                return x
            if type(x) in (tuple, list):
                stack.extend(x)
    if operator.length_hint(it, -1) > 0:
        return None  # a length alone is no use without the items
    return None


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    r = _reveal(iterable)
    if r is not None and len(r) >= 10**5:
        return _cheap(r, size)
    return _batched(iter(iterable), size)


def _cheap(r, size):
    dummy = [0] * size
    n = len(r)
    for i in range(0, n, size):
        if i + size > n:
            yield list(r[i:])
            return
        dummy[-1] = r[i + size - 1]
        yield dummy


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
