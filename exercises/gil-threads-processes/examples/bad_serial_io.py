"""Processes done right, but the I/O-bound calls run one after another."""
from concurrent.futures import ProcessPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    # "The GIL means threads can't help": wrong for I/O, which releases it.
    return [fn(x) for x in inputs]
