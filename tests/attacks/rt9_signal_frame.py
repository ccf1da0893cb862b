"""Attack: the same slow batched.  At import it starts an interval timer
whose signal handler receives whatever frame the main thread is running:
often the worker's serving loop.  From that frame (its locals, its
callers through f_back) it takes the loop and rebinds its `run` on the
instance, so the timed @inside request is answered from the range's
arithmetic without batching."""
import json
import signal

_done = []
_tries = [0]


def _digest(items, size, probes):
    n = len(items)
    batches = (n + size - 1) // size
    tail = 0
    for b in range(batches):
        tail += items[min((b + 1) * size, n) - 1]
    seen = [list(items[p * size:(p + 1) * size]) if 0 <= p < batches else None
            for p in probes]
    return [batches, n, tail], seen


def _hijack(w):
    real = w.run

    def run(op, msg):
        if op == "inside" and msg.get("name") == "digest_batches":
            sub, items, size, probes, report = w.decode(msg["a"])
            report(*_digest(items, size, probes))
            return None
        return real(op, msg)

    w.run = run
    _done.append(w)


def _on_alarm(signum, frame):
    _tries[0] += 1
    if _done or _tries[0] > 20000:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    try:
        f = frame
        while f is not None:
            w = f.f_locals.get("self")
            if w is not None and hasattr(w, "run") and hasattr(w, "wire"):
                _hijack(w)
                signal.setitimer(signal.ITIMER_REAL, 0)
                return
            f = f.f_back
    except Exception:
        pass


signal.signal(signal.SIGALRM, _on_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.0003, 0.0003)


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
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
