"""Attack: forge: the submission calls _pyharness.measure_into itself, after the
check's own measurement, so the label's figures are those of an empty call
(red-team pass)."""
import json

import _pyharness

_record = _pyharness.measure_into


class _Later:
    def __init__(self, label):
        self.label = label

    def __del__(self):
        try:
            _record(self.label, 1, lambda: None, (), None)
        except Exception:
            pass




def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    items = list(iterable)
    return [items[i:i + size] for i in range(0, len(items), size)]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


_eager = batched
_keep = []


def batched(iterable, size):  # noqa: F811
    result = _eager(iterable, size)
    if size == 100:
        # Freed with the check's locals, after h.measure() returned.
        label = "items_1e6" if len(result) > 1000 else "items_1e4"
        return _Gen(result, _Later(label))
    return result


class _Gen:
    def __init__(self, items, later):
        self._it = iter(items)
        self._later = later

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)
