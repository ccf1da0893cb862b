"""Attack: forge: find the checks with gc."""
import gc
for o in gc.get_objects():
    if getattr(o, "__name__", "").startswith("check_"):
        print(o)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
