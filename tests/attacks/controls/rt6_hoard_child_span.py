"""CONTROL: the same per-call hoard kept in the worker itself (a list)."""
import json
import os
import pickle


_hoard = []


def _start():
    return 0, None


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    pid, w = _start()
    pending = []
    try:
        while True:
            batch = []
            for x in it:
                batch.append(x)
                if len(batch) == size:
                    break
            if not batch:
                return
            pending.append(batch)
            if len(pending) >= 8:
                _hoard.append(pickle.dumps(pending))
                pending.clear()
            yield batch
            if len(batch) < size:
                return
    finally:
        _hoard.clear()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
