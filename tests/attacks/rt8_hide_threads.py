"""Attack: the same leaked thread pool; before returning, its threads are
taken out of threading's registry (`threading._active`) and out of
concurrent.futures' exit queue, so `threading.enumerate()` (what the
worker-side counters use) no longer lists them.  Nothing of the harness is
touched: it works with the audit hook on."""
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
import concurrent.futures.thread as _cft


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs))) as ex:
        return list(ex.map(fn, inputs))


def _hide(ex):
    for t in list(getattr(ex, "_threads", ())):
        with threading._active_limbo_lock:
            threading._active.pop(t.ident, None)
        _cft._threads_queues.pop(t, None)
    ex._threads = set()


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    ex = ThreadPoolExecutor(max_workers=workers)  # never shut down
    _keep.append(ex)
    out = list(ex.map(fn, inputs))
    _hide(ex)
    return out


_keep = []
