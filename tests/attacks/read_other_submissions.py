"""Attack: read: other candidates' submissions."""
import os
here = "/work/main/tests/attacks"
print(os.listdir(here))
print(open(os.path.join(here, "fork_bomb.py")).read())


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
