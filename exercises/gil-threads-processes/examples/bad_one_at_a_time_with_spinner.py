# BAD: tasks one after another in the pool's processes, one process spinning beside them to look busy
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def _spin(stop):
    while not stop.is_set():
        pass


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    out = []
    stop = mp.Event()
    spinner = mp.Process(target=_spin, args=(stop,))
    spinner.start()
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for x in inputs:
                out.append(pool.submit(fn, x).result())
    finally:
        stop.set()
        spinner.join()
    return out


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))
