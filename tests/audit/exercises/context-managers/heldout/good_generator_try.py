# GOOD: @contextmanager for BOTH (Timer wraps a generator-based helper), membership test instead of a sentinel
import time
from contextlib import contextmanager


class Timer:
    """Class API required (t.elapsed, binds itself); timing logic kept minimal."""

    elapsed: float

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.end = time.perf_counter()
        self.elapsed = self.end - self.start
        # falls through: returns None, a false value


@contextmanager
def temporary(settings, **overrides):
    saved = []
    for k in overrides:
        if k in settings:
            saved.append((k, True, settings[k]))
        else:
            saved.append((k, False, None))
    settings.update(overrides)
    try:
        yield settings
    finally:
        for k, had, v in saved:
            if had:
                settings[k] = v
            elif k in settings:
                del settings[k]
