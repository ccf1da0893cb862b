# BAD: the ProcessPoolExecutor is kept and never shut down
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
_keep = []
def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    pool = ProcessPoolExecutor(max_workers=min(workers, len(inputs)))
    _keep.append(pool)
    return list(pool.map(fn, inputs))
def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(inputs))) as pool:
        return list(pool.map(fn, inputs))
