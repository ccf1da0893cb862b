"""Attack: memory: marshal.loads of crafted bytecode."""
import marshal
marshal.loads(marshal.dumps((lambda: 0).__code__))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
