# CONTROL: the same 1 GiB in unlinked files whose descriptors stay open in
# the worker (no SCM_RIGHTS).  Was: ATTACK (d)/(f): 1 GiB on the run's disk under its 256 MB quota, in named
# files of the run's folder: each 32 MiB file, once written, has its
# descriptor sent over a socketpair (SCM_RIGHTS), closed and its name
# unlinked, so that neither a walk of the folder nor any process's
# /proc/<pid>/fd shows it: the only reference is the message in flight.
# Honest solution otherwise.  (A variant of red team 10's inflight_disk,
# without O_TMPFILE.)
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
_err = None
try:
    for i in range(FILES):
        name = f"hold{i}.bin"
        fd = os.open(name, os.O_CREAT | os.O_WRONLY, 0o600)
        for _ in range(PER_FILE // CHUNK):
            os.write(fd, _block)
        globals().setdefault("_keep", []).append(fd)
        os.unlink(name)
        _sent += PER_FILE
except OSError as e:
    _err = e
del _block
print(f"inflight_unlinked: {_sent >> 20} MiB in unlinked files held only by fds in flight "
      f"({_err!r})", file=sys.stderr)


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
