"""Correct, written differently from the reference: class-based context
managers all the way, with time.monotonic_ns for the Timer."""

import time


class Timer:
    __slots__ = ("elapsed", "_t0")

    def __enter__(self):
        self.elapsed = None
        self._t0 = time.monotonic_ns()
        return self

    def __exit__(self, *exc_info):
        self.elapsed = (time.monotonic_ns() - self._t0) / 1e9
        # falling off the end returns None: the exception (if any) propagates


class temporary:
    """Remembers only the keys it touches, so restoring is O(len(overrides))."""

    _ABSENT = object()

    def __init__(self, settings, **overrides):
        self._settings = settings
        self._overrides = overrides
        self._previous = []

    def __enter__(self):
        s = self._settings
        self._previous = [(key, s[key] if key in s else self._ABSENT) for key in self._overrides]
        s.update(self._overrides)
        return s

    def __exit__(self, exc_type, exc, tb):
        s = self._settings
        for key, old in reversed(self._previous):
            if old is self._ABSENT:
                del s[key]
            else:
                s[key] = old
        return False
