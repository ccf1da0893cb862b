"""Attack: exhaust: C stack overflow by recursion."""
import sys
sys.setrecursionlimit(10**8)


def down(n):
    return down(n + 1) + 1


down(0)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
