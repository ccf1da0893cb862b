"""Timer reads time.process_time(): CPU time of the process, not wall time.
A block that waits (sleep, I/O, GPU, network) shows almost nothing."""

import time
from contextlib import contextmanager


class Timer:
    def __enter__(self):
        self.start = time.process_time()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.process_time() - self.start
        return False


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
