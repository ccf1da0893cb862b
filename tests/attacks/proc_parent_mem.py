"""Attack: hurt the supervisor: /proc/<ppid>/mem."""
import os
with open(f"/proc/{os.getppid()}/mem", "rb") as f:
    print(f.read(16))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
