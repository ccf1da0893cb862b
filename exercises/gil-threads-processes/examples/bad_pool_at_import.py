# BAD: the process pool is made when the module is imported and used by every
# call: its worker processes run before, between and after the calls.
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

_POOL = multiprocessing.Pool(4)


def run_cpu_bound(fn, inputs, workers):
    return _POOL.map(fn, list(inputs))


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))
