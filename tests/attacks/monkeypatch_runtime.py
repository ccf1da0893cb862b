"""Attack: forge: monkeypatching the runtime package."""
import pyharness.runtime as rt
import pyharness

_orig = rt.run_check


def _forged(fn, sub, h):
    return _orig(fn, sub, h)


rt.run_check = _forged
for name in dir(rt):
    obj = getattr(rt, name)
    if isinstance(obj, type):
        try:
            obj.compare = lambda *a, **k: True
        except Exception as e:
            print(name, e)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
