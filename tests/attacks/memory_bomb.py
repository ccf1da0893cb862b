"""Attack: exhaust: memory bomb."""
hog = []
while True:
    hog.append(bytearray(16 * 1024 * 1024))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
