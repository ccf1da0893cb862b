# GOOD: ProcessPoolExecutor.map for CPU, ThreadPoolExecutor.map for I/O, both in `with` blocks
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))
