"""ATTACK: the same eager read_jsonl.  From inside its own call it walks the
caller frames (an exception's traceback, no sys._getframe) to the worker's
_Worker and replaces its `_ph` with a wrapper whose inside_close() reports a
Python peak of 0: py_peak_bytes, the only figure read_jsonl_lazy's rules read,
is the worker's own report (reply["fig"])."""
import json


class _Liar:
    def __init__(self, real):
        self._real = real

    def inside_close(self, span):
        peak, cur, allocs, wall, cpu = self._real.inside_close(span)
        return (1024, 0, allocs, wall, cpu)

    def __getattr__(self, name):
        return getattr(self._real, name)


def _capture():
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        f = e.__traceback__.tb_frame
    while f is not None:
        slf = f.f_locals.get("self")
        if type(slf).__name__ == "_Worker" and type(slf._ph) is not _Liar:
            slf._ph = _Liar(slf._ph)
            return
        f = f.f_back


def batched(iterable, size):
    _capture()
    if size < 1:
        raise ValueError("size must be >= 1")
    return _batched(iter(iterable), size)


def _batched(it, size):
    while True:
        batch = []
        for x in it:
            batch.append(x)
            if len(batch) == size:
                break
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    _capture()
    return _read(path)


def _read(path):
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f.read().splitlines() if line.strip()]
    yield from records
