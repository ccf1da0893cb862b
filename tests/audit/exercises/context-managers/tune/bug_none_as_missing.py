# BUG: "absent" and "None" are different states (a key holding None is deleted on exit)
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
    old = {k: settings.get(k) for k in overrides}
    settings.update(overrides)
    try:
        yield settings
    finally:
        for k, v in old.items():
            if v is None:
                settings.pop(k, None)
            else:
                settings[k] = v
