# GOOD: ExitStack with one undo callback per overridden key
import time
from contextlib import contextmanager, ExitStack
class Timer:
    def __enter__(self):
        self._s = time.perf_counter(); return self
    def __exit__(self, *a):
        self.elapsed = time.perf_counter() - self._s; return False
_M = object()
@contextmanager
def temporary(settings, **overrides):
    with ExitStack() as stack:
        for k, v in overrides.items():
            old = settings.get(k, _M)
            if old is _M:
                stack.callback(settings.pop, k, None)
            else:
                stack.callback(settings.__setitem__, k, old)
            settings[k] = v
        yield settings
