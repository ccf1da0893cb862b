"""Attack: exhaust: flooding stdout."""
import sys
while True:
    sys.stdout.write("x" * 65536)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
