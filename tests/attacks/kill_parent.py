"""Attack: hurt the supervisor: kill the parent."""
import os, signal
os.kill(os.getppid(), signal.SIGKILL)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
