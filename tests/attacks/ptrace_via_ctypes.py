"""Attack: hurt the supervisor: ptrace (needs ctypes)."""
import ctypes
libc = ctypes.CDLL(None)
print(libc.ptrace(16, 1, 0, 0))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
