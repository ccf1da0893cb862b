"""Attack: forge: replace Harness.measure on the class itself (same class
object, so h's type is unchanged) with one that times an empty call."""
import json

import pyharness.harness as _ph

_orig = _ph.Harness.measure


def _fake(self, label, fn, *args, repeat=1, **kwargs):
    _orig(self, label, lambda: None)
    return fn(*args, **kwargs)


try:
    _ph.Harness.measure = _fake
except Exception as exc:  # the audit hook refuses it
    print("refused:", exc)




def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    items = list(iterable)
    return [items[i:i + size] for i in range(0, len(items), size)]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
