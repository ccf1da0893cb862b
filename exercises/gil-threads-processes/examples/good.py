"""A correct solution written differently from the reference:
a multiprocessing Pool with the "spawn" start method, and hand-made threads
pulling indices from a queue."""
import multiprocessing
import queue
import threading


def run_cpu_bound(fn, inputs, workers):
    items = list(inputs)
    if not items:
        return []
    ctx = multiprocessing.get_context("spawn")
    pool = ctx.Pool(processes=min(workers, len(items)))
    try:
        # imap keeps input order; chunks of 1 spread uneven tasks evenly.
        return list(pool.imap(fn, items, chunksize=1))
    finally:
        pool.close()
        pool.join()


def run_io_bound(fn, inputs, workers):
    items = list(inputs)
    results = [None] * len(items)
    todo = queue.SimpleQueue()
    for i in range(len(items)):
        todo.put(i)
    errors = []

    def worker():
        while True:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results[i] = fn(items[i])
            except BaseException as exc:  # re-raised in the caller
                errors.append(exc)
                return

    threads = [threading.Thread(target=worker) for _ in range(min(workers, len(items)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
