# GOOD: forkserver-context multiprocessing Pool with imap (ordered); ThreadPoolExecutor.map for I/O
import multiprocessing
from concurrent.futures import ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    ctx = multiprocessing.get_context("forkserver")
    with ctx.Pool(min(workers, len(inputs))) as pool:
        result = list(pool.imap(fn, inputs))
        pool.close()
        pool.join()
    return result


def run_io_bound(fn, inputs, workers):
    with ThreadPoolExecutor(workers) as ex:
        return list(ex.map(fn, inputs))
