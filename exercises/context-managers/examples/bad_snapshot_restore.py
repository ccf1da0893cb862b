# BAD: temporary() snapshots the whole dict and restores it with clear() + update()
import time
from contextlib import contextmanager
class Timer:
    def __enter__(self):
        self._s = time.perf_counter(); return self
    def __exit__(self, *a):
        self.elapsed = time.perf_counter() - self._s; return False
@contextmanager
def temporary(settings, **overrides):
    snap = dict(settings)
    settings.update(overrides)
    try:
        yield settings
    finally:
        settings.clear(); settings.update(snap)
