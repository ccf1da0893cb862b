# GOOD: iterator class for batched (validates eagerly in __init__); read_jsonl as a generator with enumerate + error context
import json


class batched:
    __slots__ = ("_src", "_it", "_size")

    def __init__(self, iterable, size):
        if size < 1:
            raise ValueError("size must be >= 1")
        self._src = iterable
        self._it = None
        self._size = size

    def __iter__(self):
        return self

    def __next__(self):
        if self._it is None:
            self._it = iter(self._src)
            self._src = None
        it = self._it
        batch = []
        append = batch.append
        for _ in range(self._size):
            try:
                append(next(it))
            except StopIteration:
                break
        if not batch:
            raise StopIteration
        return batch


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            if raw.strip():
                try:
                    yield json.loads(raw)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{lineno}: {e}") from e
