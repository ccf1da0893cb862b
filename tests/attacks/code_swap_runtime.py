"""Attack: forge: __code__ swap of a runtime function."""
import pyharness.runtime as rt
rt.run_check.__code__ = (lambda fn, sub, h: {"ok": True}).__code__


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
