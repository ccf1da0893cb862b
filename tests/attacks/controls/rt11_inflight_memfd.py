# CONTROL: the same 1 GiB kept as bytes objects in the worker (the run's
# memory limit, 512 MB, must stop it).  Was: ATTACK (b)/(f): 1 GiB of memory
# in memfds held only by descriptors in flight in a socketpair.
import itertools
import json
import os
import socket
import sys

CHUNK = 1 << 20
_kept = [bytes([i & 0xff]) * CHUNK for i in range(1024)]
print(f"inflight_memfd control: {len(_kept)} MiB kept", file=sys.stderr)


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    it = iter(iterable)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
