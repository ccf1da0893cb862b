"""Attack: forge: walk up to the check's frame and rebind a helper in the checks' globals.

CountingIterator is replaced by one that reports the reference's counts, so
eager code passes the laziness check.
"""
import json
import sys


class _Counting:
    def __init__(self, it):
        self._it = iter(it)
        self.pulled = 0

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)


def _rebind():
    frame = sys._getframe(1)
    while frame is not None and "CountingIterator" not in frame.f_globals:
        frame = frame.f_back
    if frame is not None:
        frame.f_globals["CountingIterator"] = _Counting




def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    items = list(iterable)
    return [items[i:i + size] for i in range(0, len(items), size)]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


_eager = batched


def batched(iterable, size):  # noqa: F811
    _rebind()
    if isinstance(iterable, _Counting):
        result = _eager(iterable, size)

        def replay():
            iterable.pulled = 3  # what the reference has pulled at its first batch
            yield from result

        return replay()
    return _eager(iterable, size)
