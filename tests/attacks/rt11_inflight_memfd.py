# ATTACK (b)/(f): 1 GiB of memory in no figure: 32 memfds of 32 MiB (each
# under the per-file limit), each one's descriptor sent over a socketpair
# (SCM_RIGHTS) and closed once written, so that no process holds it: no
# resident set, no /proc/<pid>/fd, no folder shows the pages.  Errors are
# not swallowed: a refused memfd_create fails the import.
import itertools
import json
import os
import socket
import sys

CHUNK = 1 << 20
PER_FILE = 32 << 20
FILES = 32
_a, _b = socket.socketpair()
_block = b"\x5a" * CHUNK
_sent = 0
for i in range(FILES):
    fd = os.memfd_create(f"hold{i}")
    for _ in range(PER_FILE // CHUNK):
        os.write(fd, _block)
    socket.send_fds(_a, [b"f"], [fd])
    os.close(fd)
    _sent += PER_FILE
del _block
print(f"inflight_memfd: {_sent >> 20} MiB in memfds held only by fds in flight", file=sys.stderr)


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
