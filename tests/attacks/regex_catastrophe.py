"""Attack: exhaust: busy loop in C (catastrophic regex)."""
import re
re.match(r"(a+)+$", "a" * 64 + "b")


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
