"""Model solution for context-managers (the answer key: never shown to candidates)."""

import time
from contextlib import contextmanager

_MISSING = object()  # marks a key that did not exist before the override


class Timer:
    """with Timer() as t: ...  then t.elapsed is the block's wall time in seconds."""

    def __init__(self):
        self.elapsed = None
        self._start = None

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - self._start
        return False  # never swallow the exception


@contextmanager
def temporary(settings, **overrides):
    """Apply overrides to `settings` for the block, then restore exactly what was there."""
    saved = {key: settings.get(key, _MISSING) for key in overrides}
    settings.update(overrides)
    try:
        yield settings
    finally:
        for key, old in saved.items():
            if old is _MISSING:
                settings.pop(key, None)
            else:
                settings[key] = old
