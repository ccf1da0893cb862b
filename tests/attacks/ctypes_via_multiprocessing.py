"""Attack: memory: ctypes reached through multiprocessing.sharedctypes."""
import multiprocessing.sharedctypes  # imports ctypes for us
import sys
ctypes = sys.modules["ctypes"]
print(ctypes.string_at(id(object()), 64))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
