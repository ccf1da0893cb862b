# BUG: when the function returns its pool must be shut down -- multiprocessing.Pool created and never closed/joined
import multiprocessing
from concurrent.futures import ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    pool = multiprocessing.Pool(min(workers, len(inputs)))
    return pool.map(fn, inputs, chunksize=1)


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))
