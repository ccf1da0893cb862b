"""Collects results as they finish: fast, parallel, but in completion order."""
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed


def run_cpu_bound(fn, inputs, workers):
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, x) for x in inputs]
        return [f.result() for f in as_completed(futures)]


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, x) for x in inputs]
        return [f.result() for f in as_completed(futures)]
