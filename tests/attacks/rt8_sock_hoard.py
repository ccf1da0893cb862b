"""Attack: the same 800 MB kept in the kernel instead: written into the
buffers of Unix socket pairs nobody reads (SO_SNDBUF raised to the system's
maximum).  Socket buffers are kernel memory: no process's RSS or PSS shows
them, so neither the run's memory limit nor any memory figure sees them, and
the data can be read back at any time (recv)."""
import os
import resource
import socket
import sys

_PAIRS = []
_GOAL = 800 * 2**20


def _hoard():
    held = 0
    chunk = b"x" * (1 << 16)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        while held < _GOAL and len(_PAIRS) * 2 + 16 < soft:
            a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            for s in (a, b):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 << 20)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
            a.setblocking(False)
            _PAIRS.append((a, b))
            while held < _GOAL:
                try:
                    held += a.send(chunk)
                except BlockingIOError:
                    break
    except OSError as exc:
        print(f"stopped: {exc}", file=sys.stderr)
    print(f"held {held >> 20} MiB in {len(_PAIRS)} socket pairs (nofile {soft})",
          file=sys.stderr)


_hoard()


def clean_tokens(words):
    return [w.strip().lower() for w in words if w.strip()]


def iter_clean_tokens(words):
    for w in words:
        s = w.strip()
        if s:
            yield s.lower()
