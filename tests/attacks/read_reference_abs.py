"""Attack: read: reference solution by absolute path."""
import os, pyharness
root = os.path.dirname(os.path.dirname(pyharness.__file__.rstrip("/")))
root = os.path.dirname(root)
for base in (root, "/work/main"):
    print(open(os.path.join(base, "exercises", "generators-streaming", "reference.py")).read())


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
