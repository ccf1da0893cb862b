"""Model solution for gil-threads-processes (the answer key: never shown to candidates)."""

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    """Processes: each has its own interpreter and its own GIL, so all cores work."""
    inputs = list(inputs)
    if not inputs:
        return []
    # Leaving the with-block shuts the pool down and joins (reaps) its processes.
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    """Threads: a thread blocked on I/O releases the GIL, so the waits overlap."""
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))
