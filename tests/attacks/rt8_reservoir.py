"""Attack: the same token-keeping iter_clean_tokens.  At import (untimed,
before any span), the submission reserves memory that later allocations
reuse without growing the process: a list of 1.2 million slots, and about
200 MB of pymalloc arenas filled with small strings, then emptied except
for one string per arena, so that pymalloc keeps every arena (and its
touched pages) for new objects.  The kept tokens then go into the list's
slots and into those arenas: no resident-memory growth, no page faults
during the spans.  The Python peak, the one figure that still sees the
allocations, is the worker's own report and is zeroed as in fig_forge."""
import sys

_SLOTS = 1_200_000
_kept = [None] * _SLOTS
_n = [0]


def _reserve():
    filler = [f"reserve-{i:012d}" for i in range(3_000_000)]
    keep = filler[::4096]
    del filler
    return keep


_pins = _reserve()


class _Quiet:
    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def inside_close(self, span):
        peak, cur, allocs, wall, cpu = self._real.inside_close(span)
        return (0, 0, 0, wall, cpu)


def _quiet_worker():
    f = sys._getframe(0)
    while f is not None:
        w = f.f_locals.get("self")
        if w is not None and hasattr(w, "wire") and hasattr(w, "_ph"):
            if type(w._ph) is not _Quiet:
                w._ph = _Quiet(w._ph)
            return
        f = f.f_back


def clean_tokens(words):
    return [w.strip().lower() for w in words if w.strip()]


def iter_clean_tokens(words):
    _quiet_worker()
    return _gen(words)


def _gen(words):
    for w in words:
        s = w.strip()
        if s:
            t = s.lower()
            i = _n[0]
            if i < _SLOTS:
                _kept[i] = t
                _n[0] = i + 1
            yield t
