"""Attack: exhaust: flooding stderr."""
import os
while True:
    os.write(2, b"y" * 65536)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
