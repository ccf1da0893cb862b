"""Observation checks for gil-threads-processes.

The checks run in the check runner, outside the submission's process: `sub`
is a proxy whose calls are requests answered by the worker.  Everything that
must live next to the submission runs there as `@inside` functions: the
CPU-bound function (imported in the worker), the blocking I/O calls (made
in the worker, on the submission's threads), the serial and thread-pool
baselines, and the `Leftovers` bookkeeping that finds and stops processes
and threads a call leaves running.  Wall and CPU time (the worker's own and
its child processes') are taken by the runner around each request.

The CPU-bound function must be picklable by reference for every start
method, so it lives in a small module written into the run's scratch folder
(which the worker puts first on its sys.path before the import, so "spawn"
and "forkserver" children, which inherit the path, can import it too);
checks.py itself is not importable by children.

Timing never enters an observation: wall time and parallelism are recorded in
C by h.measure() and judged by the rules in exercise.json.
"""

import contextlib
import importlib
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from pyharness.checklib import Leftovers, inside

WORK_MODULE = "gil_work"
# The work has no shortcut: the bucket is taken from the generator's top
# bits (its low 6 bits repeat every 64 steps, which made the whole task a
# closed form of 64 steps: red team 10's closed_form answered without the
# work and only spun processes for the CPU time the tasks would take), and
# the seed mixes in a salt drawn per grading, so no table of answers can be
# made in advance for the inputs' known range.
WORK_SOURCE = '''"""CPU-bound work for the gil-threads-processes checks."""

SALT = {salt}


def featurize(n):
    """Pure-Python loop: hash n pseudo-random tokens into 64 buckets, return a digest."""
    buckets = [0] * 64
    x = ((n * 2654435761) ^ SALT) & 0x7FFFFFFF or 1
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        buckets[x >> 25] += 1
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


# ---- what runs in the worker ----

@inside
def import_work(folder):
    """The picklable CPU-bound function, imported in the worker from the run's
    folder (put first on its sys.path, which spawned children inherit)."""
    if folder not in sys.path:
        sys.path.insert(0, folder)
    importlib.invalidate_caches()
    return importlib.import_module(WORK_MODULE).featurize


@inside
def leftovers_begin():
    """Start noting the worker's processes and threads (a Leftovers, by handle)."""
    return Leftovers().__enter__()


@inside
def leftovers_end(left):
    """Stop and count what was started since leftovers_begin() and is still running."""
    left.__exit__(None, None, None)
    return left.observation()


@inside
def executor_threads_at_return(fn, *args):
    """Call fn and count the ThreadPoolExecutor worker threads it started that
    are alive the moment it returns.  Nothing runs in between (the worker's
    thread keeps the GIL): an executor that was never shut down still has its
    threads here, even when dropping the last reference to it is about to end
    them, while shutdown() (a `with` block) has joined every one.  Other
    threads (multiprocessing's ThreadPool, whose terminate() does not join its
    workers, plain threads) are judged after a grace period instead."""
    import concurrent.futures.thread as cft
    import threading

    before = set(threading.enumerate())
    fn(*args)
    return sum(1 for t in threading.enumerate()
               if t not in before and t.is_alive() and getattr(t, "_target", None) is cft._worker)


@inside
def unclosed_pools_at_return(fn, *args):
    """Call fn and count the multiprocessing pools it left running for the
    garbage collector: when the last reference to a Pool that was never
    closed or terminated dies (at fn's return), Pool.__del__ warns
    "unclosed running multiprocessing pool" (ResourceWarning) and its
    finaliser terminates the workers, so none is left to count from outside
    the moment fn returns.  The warning is what tells it apart from a pool
    shut down in the function (close() and join(), or a `with` block)."""
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        fn(*args)
        gc.collect()  # a pool held only in a reference cycle
    return sum(1 for w in caught if issubclass(w.category, ResourceWarning)
               and "unclosed running multiprocessing pool" in str(w.message))


@inside
def set_start_method(method):
    """Make `method` multiprocessing's default start method; the one before."""
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(method, force=True)
    return before


@inside
def serially(fn, inputs):
    """The work run serially in the worker's main thread: what a speed-up is measured against."""
    return [fn(x) for x in inputs]


@inside
def on_threads(fn, inputs, workers):
    """The same work on a thread pool in the worker (the GIL serialises it)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, inputs))


@inside
def sleeper(latencies):
    """A blocking call made in the worker: sleeps latencies[key] seconds."""

    def call(key):
        time.sleep(latencies[key])
        return "reply-" + key

    return call


@inside
def doubler():
    """A lambda made in the worker (threads may call it; nothing to pickle)."""
    return lambda s: s * 2


# ---- the runner's side ----

def _work_fn(h):
    """Write the CPU-bound module into the run's folder and import it in the
    worker (same module for every role); its function, by handle."""
    salt = h.rng("gil_work-salt").getrandbits(31)
    h.write_file(WORK_MODULE + ".py", WORK_SOURCE.format(salt=salt))
    return import_work(h.scratch)


@contextlib.contextmanager
def _start_method(method):
    """Make `method` the worker's default start method for the duration of the block."""
    before = set_start_method(method)
    try:
        yield
    finally:
        set_start_method(before)


def _helper_process(cmdline):
    """multiprocessing's own long-lived helpers (its forkserver and resource
    tracker), which outlive any pool by design."""
    return "forkserver" in cmdline or "resource_tracker" in cmdline


@contextlib.contextmanager
def _left_running(h):
    """Find and stop the processes and threads the block left running; the
    counts land in the yielded dict.  The runner counts from outside: the
    run's processes (h.run_processes()) and the worker's threads, listed
    from /proc (h.worker_threads()) before the block and after it, new
    threads given a grace period to end.  A submission can hide a thread
    from threading.enumerate() (its registry is a plain dict), not from
    the kernel.  The worker's Leftovers stops the processes it knows of;
    its own counts can only add to the runner's (a pool it does not see,
    where the run has no PID namespace of its own)."""
    seen = {}
    before = h.run_processes()
    threads_before = h.worker_threads()
    left = leftovers_begin()
    try:
        yield seen
    finally:
        ended = time.monotonic()
        inner = leftovers_end(left)
        # One grace period from the end of the block: the worker's Leftovers
        # has already waited for the threads it knows of.
        seen["threads_left_running"] = h.threads_left(
            threads_before, grace_s=max(0.0, 1.0 - (time.monotonic() - ended)))
        after = {pid for pid, cmd in h.run_processes().items()
                 if pid not in before and not _helper_process(cmd)}
        seen["processes_left_running"] = max(inner.get("processes_left_running", 0), len(after))
        if after:
            h.stop_processes(after)


# The calibration: a fixed pure-Python loop of the same kind as the work,
# timed on the check runner's own thread CPU clock (outside the worker, which
# can neither run in it nor report it).  CPU time of the same work moves up
# to 1.8x between two runs on shared cores; a figure taken in one run over
# the calibration taken in the same run moves with the machine, not with it.
CALIB_N = 60_000
CALIB_BURSTS = 3


def _calibrate():
    """The runner's thread CPU time of CALIB_BURSTS bursts of a fixed loop: the
    median burst, in ns."""
    times = []
    for _ in range(CALIB_BURSTS):
        buckets = [0] * 64
        x = 12345
        t0 = time.thread_time_ns()
        for _ in range(CALIB_N):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            buckets[x >> 25] += 1
        times.append(time.thread_time_ns() - t0)
    return sorted(times)[len(times) // 2]


def _serial(h, work, inputs, label="serial"):
    """The same work run serially in the worker: the cost a speed-up is measured against."""
    h.measure(label, serially, work, inputs)


def _stopped(h, fn, *args, label=None, **kwargs):
    """Call fn (measured under `label` when given) and stop whatever it left running,
    so that nothing it started is counted in a later measurement.  A pool kept
    from an earlier call, whose processes were stopped, is broken: that is the
    observation (a wrong result), and pools_shut_down names the rule."""
    with _left_running(h):
        try:
            if label is None:
                return fn(*args)
            return h.measure(label, fn, *args, **kwargs)
        except Exception as exc:  # the type is the observation
            if type(exc).__name__ != "BrokenProcessPool":
                raise
            return ("raised BrokenProcessPool: a pool kept from an earlier call, whose worker "
                    "processes were stopped when that call returned")


def _heavy_inputs(h, salt):
    """HEAVY_TASKS inputs of about HEAVY_N each (within 0.1%), drawn from the
    grading's seed: the same work size, unknown to the submission in advance."""
    rng = h.rng(salt)
    return [HEAVY_N + rng.randrange(1000) for _ in range(HEAVY_TASKS)]


def _uneven_inputs():
    # Large tasks first, tiny ones after: completion order differs from input order.
    return [300_000, 7, 150_000, 3, 60_000, 1, 90_000, 0, 11]


# ---- CPU-bound: processes ----

def check_cpu_results(sub, h):
    featurize = _work_fn(h)
    run = sub.run_cpu_bound
    return {
        "uneven_3_workers": _stopped(h, run, featurize, _uneven_inputs(), 3),
        "one_worker": _stopped(h, run, featurize, [5, 50_000, 500], 1),
        "more_workers_than_inputs": _stopped(h, run, featurize, [20_000, 2], 6),
        "builtin_fn": _stopped(h, run, abs, [-3, 1, -2, 0], 2),
        "empty": _stopped(h, run, featurize, [], 2),
    }


def check_cpu_parallel(sub, h):
    """Speed-up of the candidate's processes against the same work run serially,
    judged against the cores the machine left free during the span."""
    featurize = _work_fn(h)
    before = _calibrate()
    _serial(h, featurize, _heavy_inputs(h, "cpu_parallel-serial"))
    between = _calibrate()

    def fresh(run):
        # Inputs of the same size, drawn anew for each run: nothing to reuse.
        return (featurize, _heavy_inputs(h, f"cpu_parallel-{run}"), HEAVY_WORKERS)

    # The median of 3 runs, each judged against the cores free during it.
    result = _stopped(h, sub.run_cpu_bound, label="processes", repeat=PARALLEL_REPEAT,
                      fresh=fresh, serial="serial",
                      max_parallel=min(HEAVY_WORKERS, HEAVY_TASKS, h.cpus))
    after = _calibrate()
    # The calibration on either side of each span (figures, not compared).
    return {"results": result,
            "calibration_ns": {"serial": (before + between) // 2,
                               "processes": (between + after) // 2}}


def check_pools_shut_down(sub, h):
    """No process or thread of either pool is still running when the function returns.

    Only that is observed: the results are other checks' business.  This is
    the run's first check, so processes already running when it starts were
    started at import (a pool made at module level): they fail it too.  A pool
    made once and kept for later calls has its processes running after the
    first call returns; they are found and stopped here, and the check's rules
    name the rule broken (exercise.json)."""
    featurize = _work_fn(h)
    at_import = {pid for pid, cmd in h.run_processes().items() if not _helper_process(cmd)}
    seen = {"import": {"processes_running": len(at_import)}}
    if at_import:
        # The calls are not made, and these processes are left alone: a pool
        # whose workers were stopped under it (multiprocessing.Pool) waits
        # forever for their results, so stopping them would turn every later
        # check into a timeout.  Idle, they cost later measurements nothing.
        return seen
    with _left_running(h) as left:
        unclosed = unclosed_pools_at_return(sub.run_cpu_bound, featurize, [30_000, 5, 20_000], 2)
    left["unclosed_pools"] = unclosed
    seen["run_cpu_bound"] = left
    keys = ["s%d" % i for i in range(6)]
    call = sleeper(dict.fromkeys(keys, 0.01))
    with _left_running(h) as left:
        at_return = executor_threads_at_return(sub.run_io_bound, call, keys, 3)
    left["executor_threads_at_return"] = at_return
    seen["run_io_bound"] = left
    return seen


def check_cpu_start_methods(sub, h):
    featurize = _work_fn(h)
    rng = h.rng("cpu_start_methods")
    inputs = [rng.randrange(35_000, 45_000), rng.randrange(10), rng.randrange(20_000, 30_000),
              rng.randrange(10), rng.randrange(3)]
    run = sub.run_cpu_bound
    seen = {}
    for method in ("fork", "spawn", "forkserver"):
        with _start_method(method), _left_running(h):
            try:
                seen[method] = run(featurize, inputs, 2)
            except Exception as exc:  # the type is the observation
                seen[method] = "raised " + type(exc).__name__
    return seen


def check_cpu_many_inputs(sub, h):
    featurize = _work_fn(h)
    rng = h.rng("cpu_many_inputs")
    inputs = [rng.randrange(20_000) for _ in range(40)]
    return _stopped(h, sub.run_cpu_bound, featurize, inputs, 2)


def check_gil_threads_vs_processes(sub, h):
    """The same CPU-bound work on the candidate's processes and on threads (the GIL)."""
    featurize = _work_fn(h)
    inputs = _heavy_inputs(h, "gil_threads_vs_processes")
    before = _calibrate()
    _serial(h, featurize, _heavy_inputs(h, "gil_threads_vs_processes-serial"))
    between = _calibrate()
    by_processes = _stopped(h, sub.run_cpu_bound, featurize, inputs, HEAVY_WORKERS,
                            label="processes", serial="serial",
                            max_parallel=min(HEAVY_WORKERS, HEAVY_TASKS, h.cpus))
    after = _calibrate()
    seen = {"results": by_processes,
            "calibration_ns": {"serial": (before + between) // 2,
                               "processes": (between + after) // 2}}
    if h.role == "cand":
        # Only the candidate's report shows it; the reference run skips it to save time.
        h.measure("threads", on_threads, featurize, inputs, HEAVY_WORKERS, serial="serial",
                  max_parallel=min(HEAVY_WORKERS, HEAVY_TASKS, h.cpus))
    return seen


# ---- I/O-bound: threads ----

def check_io_results(sub, h):
    latencies = {"a": 0.12, "b": 0.01, "c": 0.06, "d": 0.0, "e": 0.03, "f": 0.09}
    call = sleeper(latencies)
    run = sub.run_io_bound
    return {
        "uneven_3_workers": _stopped(h, run, call, list("abcdef"), 3),
        "one_worker": _stopped(h, run, call, ["d", "b"], 1),
        "lambda": _stopped(h, run, doubler(), ["x", "yz"], 2),
        "empty": _stopped(h, run, call, [], 4),
    }


# The timed I/O checks call a blocking service the runner answers
# (h.blocking): the calls in flight at once are counted there
# (cand.client.<label>.peak_in_flight), not inferred from wall time, which a
# submission could pad.

def check_io_concurrent(sub, h):
    keys = ["p%02d" % i for i in range(12)]
    call = h.blocking("io_12x100ms_4", latency=0.1)
    return _stopped(h, sub.run_io_bound, call, keys, 4, label="io_12x100ms_4")


def check_io_many_workers(sub, h):
    token = h.rng("io_many_workers").getrandbits(32)
    keys = ["q%08x-%02d" % (token, i) for i in range(20)]
    wide = _stopped(h, sub.run_io_bound, h.blocking("io_20x50ms_10", latency=0.05), keys, 10,
                    label="io_20x50ms_10")
    few = _stopped(h, sub.run_io_bound, h.blocking("io_3x50ms_8", latency=0.05), keys[:3], 8,
                   label="io_3x50ms_8")
    return {"wide": wide, "few": few}
