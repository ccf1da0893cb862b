"""ATTACK: the same leak, but every batch is kept by a child process forked at
import time (written to it over a pipe).  rss_growth_bytes is the worker's own
VmHWM and py_peak_bytes is the worker's own report: neither sees the child."""
import json
import os
import pickle

_r, _w = os.pipe()
_pid = os.fork()
if _pid == 0:
    os.close(_w)
    hoard = []
    buf = b""
    while True:
        b = os.read(_r, 1 << 20)
        if not b:
            break
        hoard.append(b)  # keeps everything it is sent
    os._exit(0)
os.close(_r)
_pending = []


def _keep(batch):
    _pending.append(batch)
    if len(_pending) >= 256:
        data = pickle.dumps(_pending)
        _pending.clear()
        view = memoryview(data)
        while view:
            view = view[os.write(_w, view):]


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    it = iter(iterable)
    while True:
        batch = []
        for x in it:
            batch.append(x)
            if len(batch) == size:
                break
        if not batch:
            return
        _keep(batch)
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
