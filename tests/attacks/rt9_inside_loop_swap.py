"""Attack: the same slow batched.  It looks for the worker's request loop
through whatever it is handed or can reach (a fed iterator's fields, its
caller's frames' locals, the garbage collector's objects) and rebinds the
loop's `run` on the instance: an `inside` request for digest_batches is
answered from the range's arithmetic (through the check's own report
callback) without batching; every other request goes to the real loop."""
import json
import sys


def _digest(items, size, probes):
    n = len(items)
    batches = (n + size - 1) // size
    tail = 0
    for b in range(batches):
        tail += items[min((b + 1) * size, n) - 1]
    seen = [list(items[p * size:(p + 1) * size]) if 0 <= p < batches else None
            for p in probes]
    return [batches, n, tail], seen


_done = []


def _hijack(w):
    if _done or not hasattr(w, "run") or not hasattr(w, "decode"):
        return
    real = w.run

    def run(op, msg):
        if op == "inside" and msg.get("name") == "digest_batches":
            sub, items, size, probes, report = w.decode(msg["a"])
            report(*_digest(items, size, probes))
            return None
        return real(op, msg)

    try:
        w.run = run
        _done.append(w)
    except Exception:
        pass


def _find(iterable):
    if _done:
        return
    for name in ("_w", "w"):
        try:
            w = getattr(iterable, name)
            if callable(w) and not hasattr(w, "run"):
                w = w()  # a handle that may give the loop back
            _hijack(w)
            if _done:
                return
        except Exception:
            pass
    try:
        f = sys._getframe(0)
        while f is not None and not _done:
            w = f.f_locals.get("self")
            if w is not None and hasattr(w, "wire"):
                _hijack(w)
            f = f.f_back
    except Exception:
        pass


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    _find(iterable)
    return _gen(iterable, size)


def _gen(iterable, size):
    batch = []
    for x in iterable:
        batch = batch + [x]
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
