"""Attack: forge: a tracer installed through bdb (a stdlib caller) edits the
laziness check's locals before it builds its observation."""
import bdb
import json
import sys


class _Count:
    pulled = 3


class _Editor(bdb.Bdb):
    def dispatch_line(self, frame):
        if frame.f_code.co_name == "check_batched_lazy" and "first" in frame.f_locals:
            frame.f_locals["pulled_before"] = 0
            frame.f_locals["source"] = _Count()
        return self.trace_dispatch

    def user_line(self, frame):
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


def batched(iterable, size):  # noqa: F811
    try:
        _Editor().set_trace(sys._getframe(1))
    except Exception:
        pass
    return iter(_eager(iterable, size))
