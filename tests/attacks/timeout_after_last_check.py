"""Attack: limits: correct answers, then the run never ends after its last check."""
import json
import sys
import time
from itertools import islice


class _Stuck:
    """sys.stdout whose flush() never returns: the worker flushes it after the last check."""

    def write(self, text):
        return len(text)

    def flush(self):
        while True:
            time.sleep(0.5)


sys.stdout = _Stuck()


def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return _batches(iter(iterable), size)


def _batches(it, size):
    while True:
        batch = list(islice(it, size))
        if not batch:
            return
        yield batch


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
