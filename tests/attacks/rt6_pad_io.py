"""ATTACK: the same run_io_bound (every call at once, `workers` ignored),
then a sleep that pads the wall time to what ceil(n / workers) rounds of the
slowest call would take.  The only evidence of "at most `workers` at a time"
is a lower bound on the wall time."""
import math
import time
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
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(inputs)) as pool:
        out = list(pool.map(fn, inputs))
    took = time.perf_counter() - t0
    rounds = math.ceil(len(inputs) / max(1, workers))
    time.sleep(max(0.0, took * rounds - (time.perf_counter() - t0)))
    return out
