"""Timer.__exit__ returns True, so any exception raised in the block is
silently swallowed: the caller never learns that the training step failed."""

import time
from contextlib import contextmanager


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - self.start
        return True


@contextmanager
def temporary(settings, **overrides):
    missing = object()
    saved = {k: settings.get(k, missing) for k in overrides}
    settings.update(overrides)
    try:
        yield settings
    finally:
        for k, v in saved.items():
            if v is missing:
                del settings[k]
            else:
                settings[k] = v
