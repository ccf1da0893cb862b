"""Attack: memory: /proc/self/mem."""
with open("/proc/self/mem", "rb") as f:
    print(f.read(16))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
