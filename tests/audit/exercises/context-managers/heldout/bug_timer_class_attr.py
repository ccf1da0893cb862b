# BUG: two Timers in use at the same time do not interfere (start time kept on the class)
import time
from contextlib import contextmanager

_MISSING = object()


class Timer:
    _start = 0.0

    def __enter__(self):
        Timer._start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - Timer._start
        return False


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
