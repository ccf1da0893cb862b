# BUG: settings are restored also when the block raises (@contextmanager without try/finally)
import time
from contextlib import contextmanager

_MISSING = object()


class Timer:
    def __enter__(self):
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - self._t0
        return False


@contextmanager
def temporary(settings, **overrides):
    old = {k: settings.get(k, _MISSING) for k in overrides}
    settings.update(overrides)
    yield settings
    for k, v in old.items():
        if v is _MISSING:
            del settings[k]
        else:
            settings[k] = v
