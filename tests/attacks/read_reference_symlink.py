"""Attack: read: reference solution via a symlink in scratch."""
import os
os.symlink("/work/main/exercises/generators-streaming/reference.py", "ref.py")
print(open("ref.py").read())


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
