# BAD: serial work in the main process, with three processes spinning beside it
import multiprocessing, os, time
def _spin(stop):
    while not stop.is_set(): pass
def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    stop = multiprocessing.get_context("fork").Event()
    ps = [multiprocessing.get_context("fork").Process(target=_spin, args=(stop,)) for _ in range(3)]
    for p in ps: p.start()
    try:
        return [fn(x) for x in inputs]
    finally:
        stop.set()
        for p in ps: p.join()
from concurrent.futures import ThreadPoolExecutor
def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs: return []
    with ThreadPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))
