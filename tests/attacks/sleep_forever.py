"""Attack: exhaust: sleeping forever."""
import time
time.sleep(10**6)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
