"""ATTACK (b, against main a0ce170's whole-run memory): batched() leaks every
batch into a child process born for that call (inside the measured span);
when the input ends, the child is told to exit and is reaped before the
generator finishes, so no process of the span is alive (to be weighed) when
the span ends.  The worker itself holds nothing."""
import json
import os
import pickle


def _start():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        hoard = []
        while True:
            b = os.read(r, 1 << 20)
            if not b:
                break
            hoard.append(b)  # keeps everything it is sent
        os._exit(0)
    os.close(r)
    return pid, w


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
                data = memoryview(pickle.dumps(pending))
                pending.clear()
                while data:
                    data = data[os.write(w, data):]
            yield batch
            if len(batch) < size:
                return
    finally:
        os.close(w)
        os.waitpid(pid, 0)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
