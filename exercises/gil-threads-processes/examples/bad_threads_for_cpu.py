"""Threads for everything: correct results, but the CPU-bound work never
leaves one core because of the GIL."""
from concurrent.futures import ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))
