# GOOD: @contextlib.contextmanager with try/finally for temporary; Timer via time.monotonic-based perf_counter_ns
import time
from contextlib import contextmanager


class Timer:
    def __enter__(self):
        self._t0 = time.perf_counter_ns()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = (time.perf_counter_ns() - self._t0) / 1e9
        return None


@contextmanager
def temporary(settings, **overrides):
    existed = {k: settings[k] for k in overrides if k in settings}
    added = [k for k in overrides if k not in settings]
    settings.update(overrides)
    try:
        yield settings
    finally:
        for k in added:
            settings.pop(k, None)
        settings.update(existed)
