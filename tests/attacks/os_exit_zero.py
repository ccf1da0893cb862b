"""Attack: forge: os._exit(0) before the checks."""
import os
os._exit(0)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
