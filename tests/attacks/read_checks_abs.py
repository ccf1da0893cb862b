"""Attack: read: hidden checks by absolute path."""
print(open("/work/main/exercises/generators-streaming/checks.py").read())


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
