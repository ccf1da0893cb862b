# ATTACK: as rt12_autoreap_cpu (serial tasks in fresh children, ten
# short-lived spinners beside them), but the helper asks for SA_NOCLDWAIT
# with SIGCHLD's handler left at its default: the kernel reaps the spinners
# itself without the disposition being SIG_IGN.  Python's signal module has
# no way to pass that flag, so it goes through ctypes and libc's sigaction;
# where ctypes cannot be loaded (the audit hook refuses it) the helper falls
# back to SIG_IGN, the same loss of the spinners' CPU.  The control is
# rt12_autoreap_cpu's: the helper reaps its spinners with waitpid().
import os
import pickle
import signal
import time
from concurrent.futures import ThreadPoolExecutor

HIDE = True      # the control sets it to False
SPINNERS = 10
SPIN_S = 0.04    # each spinner's life: no process is the "busiest"


def _hide_children():
    try:
        import ctypes

        class _Sigaction(ctypes.Structure):      # x86-64 glibc's layout
            _fields_ = [("handler", ctypes.c_void_p),
                        ("mask", ctypes.c_ulong * 16),
                        ("flags", ctypes.c_int),
                        ("restorer", ctypes.c_void_p)]

        libc = ctypes.CDLL(None, use_errno=True)
        act = _Sigaction()
        act.handler = 0                           # SIG_DFL
        act.flags = 2                             # SA_NOCLDWAIT
        if libc.sigaction(int(signal.SIGCHLD), ctypes.byref(act), None) == 0:
            return
    except Exception:  # noqa: BLE001 - refused: fall back below
        pass
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
