"""Control: correct results, but run_io_bound calls fn one input at a time
(no overlap), and run_cpu_bound is a proper process pool."""
from concurrent.futures import ProcessPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs))) as ex:
        return list(ex.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    return [fn(x) for x in inputs]
