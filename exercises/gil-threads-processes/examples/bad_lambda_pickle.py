"""Wraps fn in a lambda before sending it to the worker processes: a lambda
cannot be pickled, so every call to run_cpu_bound raises."""
import multiprocessing
from concurrent.futures import ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    with multiprocessing.Pool(workers) as pool:
        return pool.map(lambda x: fn(x), inputs)


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))
