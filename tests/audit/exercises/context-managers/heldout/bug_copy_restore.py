# BUG: restoring costs time proportional to the number of overrides, not the size of settings (snapshots the whole dict)
import time
from contextlib import contextmanager


class Timer:
    def __enter__(self):
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - self._t0
        return False


@contextmanager
def temporary(settings, **overrides):
    snapshot = dict(settings)
    settings.update(overrides)
    try:
        yield settings
    finally:
        settings.clear()
        settings.update(snapshot)
