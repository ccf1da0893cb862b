"""Attack (red-team pass 9, mmap_prepass): read_jsonl() reads the whole file
before its first record, through mmap windows of 256 KiB (no read(), so rchar
stays low; fault-around keeps the page faults under the bound).  The input is
now a FIFO the runner writes as it is read: it cannot be mapped."""
import itertools
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    while True:
        b = list(itertools.islice(it, size))
        if not b:
            return
        yield b


def read_jsonl(path):
    # The same eager pre-pass, through mmap in 256 KiB windows: no read()
    # (rchar stays 0), fault-around maps 16 pages per fault (4 MB ~ 64
    # faults), and each window is unmapped before the next (HWM +256 KiB).
    import mmap
    import os
    fd = os.open(path, os.O_RDONLY)
    try:
        # A size of 0 (a FIFO's): the 4 MB the check writes.
        size = os.fstat(fd).st_size or 4 << 20
        n = 0
        win = 256 * 1024
        for off in range(0, size, win):
            m = mmap.mmap(fd, min(win, size - off), prot=mmap.PROT_READ, offset=off)
            n += m[:].count(b"\n") if False else _count(m)
            m.close()
    finally:
        os.close(fd)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _count(m):
    n, i = 0, m.find(b"\n")
    while i >= 0:
        n += 1
        i = m.find(b"\n", i + 1)
    return n
