"""Attack: forge: reading the checker's frame."""
import sys


def batched(iterable, size):
    caller = sys._getframe(1)
    print(caller.f_locals)
    return [[0]]


def read_jsonl(path):
    return iter(())
