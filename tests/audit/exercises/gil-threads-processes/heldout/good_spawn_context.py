# GOOD: explicit spawn context for ProcessPoolExecutor (start-method independent); submit + futures in order for I/O
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs)), mp_context=ctx) as pool:
        futures = [pool.submit(fn, x) for x in inputs]
        return [f.result() for f in futures]


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, x) for x in inputs]
        return [f.result() for f in futures]
