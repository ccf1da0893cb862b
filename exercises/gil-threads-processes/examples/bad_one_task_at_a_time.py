# BAD: tasks one after another, each in a process of the pool (never two at once)
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    out = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for x in inputs:
            out.append(pool.submit(fn, x).result())
    return out


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))
