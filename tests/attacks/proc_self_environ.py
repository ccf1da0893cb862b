"""Attack: secrets: /proc/self/environ."""
print(open("/proc/self/environ", "rb").read())


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
