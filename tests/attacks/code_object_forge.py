"""Attack: memory: hand-made code objects."""
code = (lambda: 0).__code__
print(code.replace(co_consts=(1, 2, 3)))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
