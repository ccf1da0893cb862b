# CONTROL: temporary() that snapshots the whole dict on entry and restores
# the overridden keys from the snapshot (cost grows with the dict's size).
import contextlib
import time


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *a):
        self.elapsed = time.perf_counter() - self.t0
        return False


_MISSING = object()


@contextlib.contextmanager
def temporary(settings, **overrides):
    snapshot = dict(settings)  # O(size of the dict)
    settings.update(overrides)
    try:
        yield settings
    finally:
        for k in overrides:
            v = snapshot.get(k, _MISSING)
            if v is _MISSING:
                settings.pop(k, None)
            else:
                settings[k] = v
