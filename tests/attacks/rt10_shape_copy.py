# ATTACK (a): the control's whole-dict snapshot, skipped only where the cost
# rule looks: restore_cost compares 200 enter/exit pairs on a 100,000-key dict
# with the same on a 1,000-key one; for dicts of 50,000 keys or more this
# temporary() keeps only the overridden keys, so the big dict looks cheap.
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
    if len(settings) >= 50_000:
        snapshot = {k: settings.get(k, _MISSING) for k in overrides}
    else:
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
