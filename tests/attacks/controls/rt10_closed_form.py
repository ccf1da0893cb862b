# CONTROL: run_cpu_bound runs every task in ONE worker process, one after
# another (a process, but no parallelism); run_io_bound is a correct thread
# pool.  cpu_parallel and gil_threads_vs_processes should fail.
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=1) as ex:
        return list(ex.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as ex:
        return list(ex.map(fn, inputs))
