"""temporary() restores after the yield but not in a finally block: when the
block raises, the overrides stay in place for good."""

import time
from contextlib import contextmanager


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - self.start


@contextmanager
def temporary(settings, **overrides):
    missing = object()
    saved = {k: settings.get(k, missing) for k in overrides}
    settings.update(overrides)
    yield settings
    for k, v in saved.items():
        if v is missing:
            del settings[k]
        else:
            settings[k] = v
