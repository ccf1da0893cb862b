# BUG: overrides applied to the same dict object, never replaced (`as` binds a merged copy; caller's dict untouched)
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
    yield {**settings, **overrides}
