"""Attack: the same sequential run_io_bound, with `workers - 1` helper
threads that keep calling fn on the same inputs (answers thrown away) while
the real calls run one after another.  The blocking service counts calls in
flight (peak and mean) but not whose they are or whether they were needed,
so the mean shows `workers` at once and the peak stays at `workers`.  Only
with 3 inputs or fewer (a check that also counts calls) does it stay honest."""
import threading
from concurrent.futures import ProcessPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs))) as ex:
        return list(ex.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if len(inputs) <= 3 or workers < 2:
        return [fn(x) for x in inputs]
    stop = threading.Event()

    def pad(i):
        while not stop.is_set():
            try:
                fn(inputs[i % len(inputs)])
            except Exception:
                return

    pads = [threading.Thread(target=pad, args=(i,)) for i in range(workers - 1)]
    for t in pads:
        t.start()
    try:
        return [fn(x) for x in inputs]
    finally:
        stop.set()
        for t in pads:
            t.join()
