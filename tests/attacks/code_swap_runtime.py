"""Attack: forge: __code__ swap of a runtime function."""
import pyharness.runtime as rt
rt.describe_exception.__code__ = (lambda exc, name: {"type": "x", "message": "", "traceback": ""}).__code__


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
