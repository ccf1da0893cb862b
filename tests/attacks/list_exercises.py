"""Attack: read: listing the exercise bank."""
import os
print(os.listdir("/work/main/exercises"))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
