"""Attack: forge: drain the input eagerly, then zero whatever counts the pulls.

The iterator a check hands to batched() is searched for counters (its own
attributes, its class's, anything its __dict__ or slots hold) and each is
set back to 0, so that eager code would look lazy if the count were kept
where the submission can reach it.  The runner counts in its own process.
"""
import json


def _zero(obj):
    for name in list(getattr(obj, "__dict__", {})) + list(getattr(type(obj), "__slots__", ())):
        for value in (0, []):
            try:
                setattr(obj, name, value if name != "_buf" else [])
                break
            except Exception:
                pass
    for name in ("pulled", "count", "_asked", "asked", "n"):
        try:
            setattr(obj, name, 0)
        except Exception:
            pass


def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    items = list(iterable)
    _zero(iterable)
    return iter([items[i:i + size] for i in range(0, len(items), size)])


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
