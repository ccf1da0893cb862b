"""Control: run_cpu_bound does every task one after another in ONE worker
process, with one process spinning beside it while it works (so two
processes run at once): sequential work the cpu_parallel check must fail."""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def _spin(stop):
    x = 0
    while not stop.is_set():
        for _ in range(20000):
            x += 1
    return x


def _all(fn, inputs):
    return [fn(x) for x in inputs]


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=_spin, args=(stop,))
    spinner.start()
    try:
        with ProcessPoolExecutor(max_workers=1) as ex:
            return ex.submit(_all, fn, inputs).result()
    finally:
        stop.set()
        spinner.join()


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(fn, inputs))
