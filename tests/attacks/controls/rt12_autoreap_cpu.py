# CONTROL for rt12_autoreap_cpu: the same serial tasks in fresh forked
# children, with ten short-lived spinners beside them, but the helper reaps
# its spinners with waitpid(), so their CPU reaches its rusage and the
# run's.  cpu_parallel and gil_threads_vs_processes should fail.
import os
import pickle
import signal
import time
from concurrent.futures import ThreadPoolExecutor

HIDE = False     # the attack sets it to True
SPINNERS = 10
SPIN_S = 0.04    # each spinner's life: no process is the "busiest"


def _hide_children():
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def _spin():
    end = time.monotonic() + SPIN_S
    while time.monotonic() < end:
        pass
    os._exit(0)


def _helper(stop_fd):
    if HIDE:
        _hide_children()
    os.set_blocking(stop_fd, False)
    live = set()
    while True:
        try:
            os.read(stop_fd, 1)
            break                      # a byte or EOF: stop
        except BlockingIOError:
            pass
        if HIDE:
            live = {p for p in live if _alive(p)}
        else:
            for p in list(live):
                if os.waitpid(p, os.WNOHANG)[0] == p:
                    live.discard(p)
        while len(live) < SPINNERS:
            pid = os.fork()
            if pid == 0:
                _spin()
            live.add(pid)
        time.sleep(0.003)
    for p in live:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for p in live:
        if HIDE:
            while _alive(p):
                time.sleep(0.001)
        else:
            os.waitpid(p, 0)
    os._exit(0)


def _one(fn, x):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            data = pickle.dumps((True, fn(x)))
        except BaseException as e:  # noqa: BLE001 - sent back to the caller
            data = pickle.dumps((False, repr(e)))
        with os.fdopen(w, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    ok, value = pickle.loads(data)
    if not ok:
        raise RuntimeError(value)
    return value


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if len(inputs) < 2 or workers < 2:
        return [_one(fn, x) for x in inputs]
    r, w = os.pipe()
    helper = os.fork()
    if helper == 0:
        os.close(w)
        _helper(r)
    os.close(r)
    try:
        return [_one(fn, x) for x in inputs]
    finally:
        os.write(w, b"x")
        os.close(w)
        os.waitpid(helper, 0)


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=min(max(1, workers), len(inputs))) as ex:
        return list(ex.map(fn, inputs))
