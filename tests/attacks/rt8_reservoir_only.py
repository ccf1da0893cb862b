"""Attack (one half of reservoir): the pre-reserved memory alone, without
zeroing the worker's Python-peak report: which rules of memory_constant
still see the kept tokens?"""
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
    pass  # no fig forging: only the reservoir
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
