"""Observation checks for gil-threads-processes.

The CPU-bound function must be picklable by reference for every start method,
so it lives in a small module written into the run's scratch folder (which is
on sys.path and is the current directory, so "spawn" and "forkserver"
children can import it too); checks.py itself is not importable by children.

Timing never enters an observation: wall time and parallelism are recorded in
C by h.measure() and judged by the rules in exercise.json.
"""

import contextlib
import importlib
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor

from pyharness.checklib import Leftovers

WORK_MODULE = "gil_work"
WORK_SOURCE = '''"""CPU-bound work for the gil-threads-processes checks."""


def featurize(n):
    """Pure-Python loop: hash n pseudo-random tokens into 64 buckets, return a digest."""
    buckets = [0] * 64
    x = n or 1
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        buckets[x & 63] += 1
    digest = 0
    for count in buckets:
        digest = (digest * 1000003 + count) % 2147483647
    return digest
'''

# About 0.13 s of pure-Python work per task on this kind of machine: 4 tasks
# on 4 workers, all running at once, so no worker idles at the end.
HEAVY_N = 1_200_000
HEAVY_TASKS = 4
HEAVY_WORKERS = 4
PARALLEL_REPEAT = 3


def _work_module(h):
    """Write and import the picklable CPU-bound function (same module for every role)."""
    h.write_file(WORK_MODULE + ".py", WORK_SOURCE)
    importlib.invalidate_caches()
    return importlib.import_module(WORK_MODULE)


@contextlib.contextmanager
def _start_method(method):
    """Make `method` the default start method for the duration of the block."""
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(method, force=True)
    try:
        yield
    finally:
        multiprocessing.set_start_method(before, force=True)


def _serial(h, work, inputs, label="serial"):
    """The same work run serially in this process: the cost a speed-up is measured against."""
    h.measure(label, lambda: [work.featurize(x) for x in inputs])


def _stopped(h, fn, *args, label=None, **kwargs):
    """Call fn (measured under `label` when given) and stop whatever it left running,
    so that nothing it started is counted in a later measurement."""
    with Leftovers():
        if label is None:
            return fn(*args)
        return h.measure(label, fn, *args, **kwargs)


def _uneven_inputs():
    # Large tasks first, tiny ones after: completion order differs from input order.
    return [300_000, 7, 150_000, 3, 60_000, 1, 90_000, 0, 11]


def _sleeper(latencies):
    def call(key):
        time.sleep(latencies[key])
        return "reply-" + key
    return call


# ---- CPU-bound: processes ----

def check_cpu_results(sub, h):
    work = _work_module(h)
    run = sub.run_cpu_bound
    return {
        "uneven_3_workers": _stopped(h, run, work.featurize, _uneven_inputs(), 3),
        "one_worker": _stopped(h, run, work.featurize, [5, 50_000, 500], 1),
        "more_workers_than_inputs": _stopped(h, run, work.featurize, [20_000, 2], 6),
        "builtin_fn": _stopped(h, run, abs, [-3, 1, -2, 0], 2),
        "empty": _stopped(h, run, work.featurize, [], 2),
    }


def check_cpu_parallel(sub, h):
    """Speed-up of the candidate's processes against the same work run serially,
    judged against the cores the machine left free during the span."""
    work = _work_module(h)
    inputs = [HEAVY_N + i for i in range(HEAVY_TASKS)]
    _serial(h, work, inputs)

    def fresh(run):
        # Inputs of the same size, new for each run: nothing to reuse.
        return (work.featurize, [x + 10 * run for x in inputs], HEAVY_WORKERS)

    # The median of 3 runs, each judged against the cores free during it.
    result = _stopped(h, sub.run_cpu_bound, label="processes", repeat=PARALLEL_REPEAT,
                      fresh=fresh, serial="serial",
                      max_parallel=min(HEAVY_WORKERS, HEAVY_TASKS, h.cpus))
    return {"results": result}


def check_pools_shut_down(sub, h):
    """No process or thread of either pool is still running when the function returns.

    Only that is observed: the results are other checks' business."""
    work = _work_module(h)
    seen = {}
    with Leftovers() as left:
        sub.run_cpu_bound(work.featurize, [30_000, 5, 20_000], 2)
    seen["run_cpu_bound"] = left.observation()
    keys = ["s%d" % i for i in range(6)]
    with Leftovers() as left:
        sub.run_io_bound(_sleeper(dict.fromkeys(keys, 0.01)), keys, 3)
    seen["run_io_bound"] = left.observation()
    return seen


def check_cpu_start_methods(sub, h):
    work = _work_module(h)
    inputs = [40_000, 3, 25_000, 9, 1]
    seen = {}
    for method in ("fork", "spawn", "forkserver"):
        with _start_method(method), Leftovers():
            try:
                seen[method] = sub.run_cpu_bound(work.featurize, inputs, 2)
            except Exception as exc:  # the type is the observation
                seen[method] = "raised " + type(exc).__name__
    return seen


def check_cpu_many_inputs(sub, h):
    work = _work_module(h)
    inputs = [(i * 7919) % 20_000 for i in range(40)]
    return _stopped(h, sub.run_cpu_bound, work.featurize, inputs, 2)


def check_gil_threads_vs_processes(sub, h):
    """The same CPU-bound work on the candidate's processes and on threads (the GIL)."""
    work = _work_module(h)
    inputs = [HEAVY_N + i for i in range(HEAVY_TASKS)]

    def on_threads():
        with ThreadPoolExecutor(max_workers=HEAVY_WORKERS) as pool:
            return list(pool.map(work.featurize, inputs))

    _serial(h, work, inputs)
    by_processes = _stopped(h, sub.run_cpu_bound, work.featurize, inputs, HEAVY_WORKERS,
                            label="processes", serial="serial",
                            max_parallel=min(HEAVY_WORKERS, HEAVY_TASKS, h.cpus))
    if h.role == "cand":
        # Only the candidate's report shows it; the reference run skips it to save time.
        h.measure("threads", on_threads, serial="serial",
                  max_parallel=min(HEAVY_WORKERS, HEAVY_TASKS, h.cpus))
    return by_processes


# ---- I/O-bound: threads ----

def check_io_results(sub, h):
    latencies = {"a": 0.12, "b": 0.01, "c": 0.06, "d": 0.0, "e": 0.03, "f": 0.09}
    call = _sleeper(latencies)
    run = sub.run_io_bound
    return {
        "uneven_3_workers": _stopped(h, run, call, list("abcdef"), 3),
        "one_worker": _stopped(h, run, call, ["d", "b"], 1),
        "lambda": _stopped(h, run, lambda s: s * 2, ["x", "yz"], 2),
        "empty": _stopped(h, run, call, [], 4),
    }


def check_io_concurrent(sub, h):
    keys = ["p%02d" % i for i in range(12)]
    call = _sleeper(dict.fromkeys(keys, 0.1))
    return _stopped(h, sub.run_io_bound, call, keys, 4, label="io_12x100ms_4")


def check_io_many_workers(sub, h):
    keys = ["q%02d" % i for i in range(20)]
    call = _sleeper(dict.fromkeys(keys, 0.05))
    wide = _stopped(h, sub.run_io_bound, call, keys, 10, label="io_20x50ms_10")
    few = _stopped(h, sub.run_io_bound, call, keys[:3], 8, label="io_3x50ms_8")
    return {"wide": wide, "few": few}
