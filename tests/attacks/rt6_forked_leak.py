"""ATTACK (b): the mmap leak of balloon.control.py, hidden by serving from a
forked child (see context-managers/forked_worker.py): the runner reads VmHWM
and VmRSS of the original worker, which only waits."""
import json
import mmap
import os
import struct
import time

_pid = os.fork()
if _pid != 0:
    while True:
        done, _status = os.waitpid(_pid, os.WNOHANG)
        if done:
            break
        _t = time.perf_counter() + 0.0002
        while time.perf_counter() < _t:
            pass
        time.sleep(0.005)
    os._exit(os.waitstatus_to_exitcode(_status) & 0xFF)

_LEAK = mmap.mmap(-1, 256 << 20)
_off = [0]
_pack = struct.Struct("<4q").pack_into


def _leak(batch):
    off = _off[0]
    for x in batch:
        if off + 32 > len(_LEAK):
            break
        _pack(_LEAK, off, x if type(x) is int else 0, 0, 0, 0)
        off += 32
    _off[0] = off


def batched(iterable, size):
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
        _leak(batch)
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
