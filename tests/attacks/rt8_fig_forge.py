"""Attack: the same chunk-parsing read_jsonl.  Python memory figures of a
split run are the worker's own report (`reply["fig"]`, from
`_Worker._ph.inside_close`): the generator reaches the serving `_Worker`
through its caller's frame (`sys._getframe(0).f_back` is not audited) and
swaps its `_ph` for a wrapper whose `inside_close` reports no allocation."""
import json
import sys


class _Quiet:
    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def inside_close(self, span):
        peak, cur, allocs, wall, cpu = self._real.inside_close(span)
        return (0, 0, 0, wall, cpu)


def _quiet_worker():
    f = sys._getframe(0)
    while f is not None:
        w = f.f_locals.get("self")
        if w is not None and hasattr(w, "wire") and hasattr(w, "_ph"):
            if type(w._ph) is not _Quiet:
                w._ph = _Quiet(w._ph)
            return
        f = f.f_back


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    it = iter(iterable)
    while True:
        batch = []
        for _ in range(size):
            try:
                batch.append(next(it))
            except StopIteration:
                break
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    return _read(path)


def _read(path):
    _quiet_worker()
    with open(path, "rb") as f:
        rest = b""
        while True:
            chunk = f.read(768 * 1024)
            data = rest + chunk
            if not chunk:
                lines, rest = data.split(b"\n"), b""
            else:
                lines = data.split(b"\n")
                rest = lines.pop()
            parsed = [json.loads(x.decode("utf-8")) for x in lines if x.strip()]
            yield from parsed
            if not chunk:
                return
