"""Attack: forge: memory hidden from PyMem in mmap."""
import mmap

_hidden = []


def batched(iterable, size):
    if size < 1:
        raise ValueError(size)
    m = mmap.mmap(-1, 256 * 1024 * 1024)
    m[::4096] = b"x" * (256 * 1024 * 1024 // 4096)
    _hidden.append(m)
    items = list(iterable)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def read_jsonl(path):
    import json
    with open(path) as f:
        return iter([json.loads(l) for l in f if l.strip()])
