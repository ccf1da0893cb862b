"""Control: correct results, but run_io_bound never shuts its thread pool
down (its idle threads keep running after the function returns)."""
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs))) as ex:
        return list(ex.map(fn, inputs))


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    ex = ThreadPoolExecutor(max_workers=workers)  # never shut down
    _keep.append(ex)
    return list(ex.map(fn, inputs))


_keep = []
