"""CONTROL: run_io_bound that ignores `workers` and runs every call at once."""
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=len(inputs)) as pool:
        return list(pool.map(fn, inputs))
