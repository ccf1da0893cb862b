"""Attack: forge: tracing the checks."""
import sys
sys.settrace(lambda *a: None)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
