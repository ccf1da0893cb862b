# BUG: no more than `workers` calls at once (one thread per input, ignores workers)
import threading
from concurrent.futures import ProcessPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    results = [None] * len(inputs)

    def run(i, x):
        results[i] = fn(x)

    threads = [threading.Thread(target=run, args=(i, x)) for i, x in enumerate(inputs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
