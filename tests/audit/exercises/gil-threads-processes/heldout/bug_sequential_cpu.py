# BUG: the CPU work must really run in parallel in up to `workers` processes (one worker process, ignores workers)
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=1) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))
