# GOOD: class-based Timer; temporary as a class with a saved-values stack and a MISSING sentinel
import time

_MISSING = object()


class Timer:
    def __init__(self):
        self.elapsed = None
        self._start = None

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - self._start
        return False


class temporary:
    __slots__ = ("settings", "overrides", "saved")

    def __init__(self, settings, **overrides):
        self.settings = settings
        self.overrides = overrides
        self.saved = None

    def __enter__(self):
        s = self.settings
        self.saved = [(k, s.get(k, _MISSING)) for k in self.overrides]
        s.update(self.overrides)
        return s

    def __exit__(self, exc_type, exc, tb):
        s = self.settings
        for k, old in self.saved:
            if old is _MISSING:
                s.pop(k, None)
            else:
                s[k] = old
        return False
