# BUG: elapsed is wall-clock time (uses time.process_time, CPU time, so a sleeping block reports ~0)
import time
from contextlib import contextmanager

_MISSING = object()


class Timer:
    def __enter__(self):
        self._t0 = time.process_time()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.process_time() - self._t0
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
