"""Attack: hurt the supervisor: its process group."""
import os, signal
os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
