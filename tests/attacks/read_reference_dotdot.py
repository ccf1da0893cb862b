"""Attack: read: reference solution via ../."""
import os
for depth in range(1, 8):
    p = os.path.join(*([".."] * depth), "work", "main", "exercises", "generators-streaming", "reference.py")
    try:
        print(open(p).read())
    except FileNotFoundError:
        continue


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
