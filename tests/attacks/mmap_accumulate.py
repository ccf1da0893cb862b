"""Attack: forge: correct and lazy, but every item is also kept in an mmap,
outside the Python allocator's view (hidden memory growth)."""
import json
import mmap
import struct
from itertools import islice

_store = mmap.mmap(-1, 64 * 1024 * 1024)
_pos = [0]


def batched(iterable, size):
    if size < 1:
        raise ValueError(size)
    it = iter(iterable)

    def gen():
        while True:
            batch = list(islice(it, size))
            if not batch:
                return
            for item in batch:
                if isinstance(item, int) and _pos[0] + 8 <= len(_store):
                    _store[_pos[0]:_pos[0] + 8] = struct.pack("q", item)
                    _pos[0] += 8
            yield batch

    return gen()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
