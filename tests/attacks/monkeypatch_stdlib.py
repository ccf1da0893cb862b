"""Attack: forge: rebind a standard-library function the checks call (itertools.islice)."""
import itertools

_real = itertools.islice


def _lying_islice(it, *args):
    return _real(it, *args)


itertools.islice = _lying_islice


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
