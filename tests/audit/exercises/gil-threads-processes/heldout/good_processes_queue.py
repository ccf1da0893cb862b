# GOOD: hand-rolled multiprocessing.Process workers with task/result queues; threading.Thread workers pulling from queue.Queue
import multiprocessing
import queue
import threading


def _proc_worker(fn, tasks, results):
    while True:
        item = tasks.get()
        if item is None:
            return
        i, x = item
        try:
            results.put((i, True, fn(x)))
        except BaseException as exc:  # send the failure back to the parent
            results.put((i, False, exc))


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    n = len(inputs)
    if n == 0:
        return []
    ctx = multiprocessing.get_context()
    tasks, results = ctx.Queue(), ctx.Queue()
    nproc = min(workers, n)
    procs = [ctx.Process(target=_proc_worker, args=(fn, tasks, results)) for _ in range(nproc)]
    for p in procs:
        p.start()
    try:
        for item in enumerate(inputs):
            tasks.put(item)
        for _ in procs:
            tasks.put(None)
        out = [None] * n
        for _ in range(n):
            i, ok, val = results.get()
            if not ok:
                raise val
            out[i] = val
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join()
    return out


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    n = len(inputs)
    out = [None] * n
    errors = []
    q: queue.Queue = queue.Queue()
    for item in enumerate(inputs):
        q.put(item)

    def worker():
        while True:
            try:
                i, x = q.get_nowait()
            except queue.Empty:
                return
            try:
                out[i] = fn(x)
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=worker) for _ in range(min(workers, n))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return out
