# GOOD: temporary built on contextlib.ExitStack callbacks (LIFO undo log); Timer records in a finally-like __exit__
import time
from contextlib import ExitStack

_MISSING = object()


class Timer:
    __slots__ = ("elapsed", "_start")

    def __init__(self):
        self.elapsed = 0.0

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.elapsed = time.perf_counter() - self._start
        return False


def _restore(settings, key, old):
    if old is _MISSING:
        settings.pop(key, None)
    else:
        settings[key] = old


class temporary:
    def __init__(self, settings, **overrides):
        self._settings = settings
        self._overrides = overrides
        self._stack = None

    def __enter__(self):
        stack = ExitStack()
        s = self._settings
        for k, v in self._overrides.items():
            stack.callback(_restore, s, k, s.get(k, _MISSING))
            s[k] = v
        self._stack = stack
        return s

    def __exit__(self, exc_type, exc, tb):
        stack, self._stack = self._stack, None
        stack.close()
        return False
