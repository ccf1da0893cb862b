# ATTACK (b)/(f): memory in pipe buffers no figure weighs: pipes (and FIFOs
# made in the run's folder) each filled to its 64 KiB buffer, both ends sent
# over a socketpair (SCM_RIGHTS) and closed, so no process holds them; up to
# 1 GiB tried, stops at the first refusal (a per-user bound on descriptors
# in flight, pipe-user-pages).  Honest solution otherwise; stderr says how
# much was held.
import itertools
import json
import os
import socket
import sys

import fcntl

_a, _b = socket.socketpair()
_held = 0
_err = None
try:
    for i in range(16384):
        if i % 2:
            r, w = os.pipe()
        else:
            name = f"fifo{i}"
            os.mkfifo(name, 0o600)
            r = os.open(name, os.O_RDONLY | os.O_NONBLOCK)
            w = os.open(name, os.O_WRONLY | os.O_NONBLOCK)
            os.unlink(name)
        os.set_blocking(w, False)
        try:
            while True:
                _held += os.write(w, b"\x5a" * 65536)
        except BlockingIOError:
            pass
        socket.send_fds(_a, [b"p"], [r, w])
        os.close(r)
        os.close(w)
        if _held >= 1 << 30:
            break
except OSError as e:
    _err = e
print(f"inflight_fifo: {_held >> 20} MiB in pipe buffers held only by fds in flight ({_err!r})",
      file=sys.stderr)


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
