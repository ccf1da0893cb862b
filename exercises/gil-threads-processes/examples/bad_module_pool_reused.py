# BAD: one process pool for the whole module, made once and reused by every
# call: run_cpu_bound returns with its worker processes still running.
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

_POOL = None


def run_cpu_bound(fn, inputs, workers):
    global _POOL
    inputs = list(inputs)
    if not inputs:
        return []
    if _POOL is None:
        _POOL = ProcessPoolExecutor(max_workers=workers)
    return list(_POOL.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))
