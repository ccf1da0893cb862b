# BAD: the thread pool is never shut down (no `with`, no shutdown()): its threads outlive the call until the garbage collector happens to end them
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    pool = ThreadPoolExecutor(max_workers=workers)
    return list(pool.map(fn, inputs))
