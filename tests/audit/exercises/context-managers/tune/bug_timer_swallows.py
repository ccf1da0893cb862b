# BUG: __exit__ returns a false value / exceptions propagate (Timer.__exit__ returns True, swallowing them)
import time
from contextlib import contextmanager

_MISSING = object()


class Timer:
    def __enter__(self):
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - self._t0
        return True


@contextmanager
def temporary(settings, **overrides):
    old = {k: settings.get(k, _MISSING) for k in overrides}
    settings.update(overrides)
    try:
        yield settings
    finally:
        for k, v in old.items():
            if v is _MISSING:
                settings.pop(k, None)
            else:
                settings[k] = v
