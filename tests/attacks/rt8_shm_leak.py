"""ATTACK: batched() that keeps every item it hands out, not in Python's
memory or the worker's resident set but in a file under /dev/shm (tmpfs
pages belong to no process): the memory rules must still see them."""
import json
import os

_log = os.open("/dev/shm/kept", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    os.ftruncate(_log, 0)  # one call's items at a time: under the file-size limit
    os.lseek(_log, 0, os.SEEK_SET)
    return _batched(iter(iterable), size)


def _batched(it, size):
    while True:
        batch = []
        for x in it:
            batch.append(x)
            if len(batch) == size:
                break
        if not batch:
            return
        os.write(_log, repr(batch).encode().ljust(16 * len(batch)))
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
