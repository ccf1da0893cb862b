# BUG: results in INPUT order, whatever order calls finish in (collects with as_completed, completion order)
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, x) for x in inputs]
        return [f.result() for f in as_completed(futures)]
