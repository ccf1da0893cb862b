"""ATTACK: the same never-shut-down pool, made of raw os.fork() children
that serve tasks over pipes and stay alive after run_cpu_bound returns
(they are not multiprocessing children, so multiprocessing.active_children()
and the like do not list them).  Each call sends fn by reference: the
children were forked after fn existed only if made per call, so the pool is
keyed by fn and made once per fn (a leak per distinct fn)."""
import os
import pickle
import struct
from concurrent.futures import ThreadPoolExecutor

_HDR = struct.Struct(">I")
_pools = {}


def _send(fd, obj):
    data = pickle.dumps(obj)
    data = _HDR.pack(len(data)) + data
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _recv(fd):
    def exact(n):
        buf = b""
        while len(buf) < n:
            b = os.read(fd, n - len(buf))
            if not b:
                raise EOFError
            buf += b
        return buf
    (n,) = _HDR.unpack(exact(4))
    return pickle.loads(exact(n))


def _child(fn, rd, wr):
    try:
        while True:
            i, x = _recv(rd)
            try:
                _send(wr, (i, True, fn(x)))
            except Exception as e:
                _send(wr, (i, False, e))
    except EOFError:
        pass
    os._exit(0)


def _pool(fn, workers):
    key = (id(fn), workers)
    p = _pools.get(key)
    if p is None:
        p = []
        for _ in range(workers):
            a_r, a_w = os.pipe()
            b_r, b_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(a_w)
                os.close(b_r)
                _child(fn, a_r, b_w)
            os.close(a_r)
            os.close(b_w)
            p.append((pid, a_w, b_r))
        _pools[key] = (fn, p)  # keep fn alive: id() stays unique
    return _pools[key][1]


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    procs = _pool(fn, min(workers, len(inputs)))
    out = [None] * len(inputs)
    pending = list(enumerate(inputs))
    busy = {}
    import select
    while pending or busy:
        for pid, w, r in procs:
            if r not in busy and pending:
                i, x = pending.pop(0)
                _send(w, (i, x))
                busy[r] = i
        ready, _, _ = select.select(list(busy), [], [])
        for r in ready:
            i, ok, v = _recv(r)
            del busy[r]
            if not ok:
                raise v
            out[i] = v
    return out


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))
