# GOOD: multiprocessing.Pool.map for CPU (closed and joined), multiprocessing.pool.ThreadPool for I/O
import multiprocessing
from multiprocessing.pool import ThreadPool


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    pool = multiprocessing.Pool(processes=min(workers, len(inputs)))
    try:
        result = pool.map(fn, inputs, chunksize=1)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return result


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPool(processes=min(workers, len(inputs))) as pool:
        return pool.map(fn, inputs, chunksize=1)
