# GOOD: class-based, keeps only the overridden keys' old values in a dict plus a set of new keys
import time


class Timer:
    def __enter__(self):
        self.elapsed = None
        self._t = time.perf_counter()
        return self

    def __exit__(self, et, ev, tb):
        self.elapsed = time.perf_counter() - self._t
        return False


class temporary:
    def __init__(self, settings, **overrides):
        self.settings = settings
        self.overrides = overrides

    def __enter__(self):
        s = self.settings
        self.old = {k: s[k] for k in self.overrides if k in s}
        self.new = [k for k in self.overrides if k not in s]
        s.update(self.overrides)
        return s

    def __exit__(self, et, ev, tb):
        s = self.settings
        for k in self.new:
            s.pop(k, None)
        s.update(self.old)
        return False
