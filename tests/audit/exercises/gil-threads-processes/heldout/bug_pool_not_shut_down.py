# BUG: shut your pool down before returning (module-level ProcessPoolExecutor kept alive across calls)
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

_POOL = None
_POOL_SIZE = 0


def run_cpu_bound(fn, inputs, workers):
    global _POOL, _POOL_SIZE
    inputs = list(inputs)
    if not inputs:
        return []
    if _POOL is None or _POOL_SIZE != workers:
        _POOL = ProcessPoolExecutor(max_workers=workers)
        _POOL_SIZE = workers
    return list(_POOL.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))
