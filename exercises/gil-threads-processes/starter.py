"""Threads, processes and the GIL.

CPython's global interpreter lock lets one thread at a time run Python
bytecode, so the right tool depends on what the work waits for.

Implement both functions.  Both return a list whose i-th item is
fn(inputs[i]): results in INPUT order, whatever order the calls finish in.
An empty `inputs` gives [].  `workers` (>= 1) is the most calls that may run
at the same time.
"""


def run_cpu_bound(fn, inputs, workers):
    """Run a pure-Python, CPU-bound `fn` over `inputs` in up to `workers` PROCESSES.

    `fn` is a picklable module-level function (e.g. a tokenising or
    feature-hashing loop) and every input and result is picklable.  The work
    must really run in parallel: the grader runs the same tasks serially
    first, then measures your function's speed-up against that serial cost
    (serial time / your wall time) and compares it with what the machine
    allowed during your run (the smaller of the number of tasks that can run
    at once and the cores other load left free).  Most of the CPU time must
    be spent in worker processes, not in your own process.  When the function
    returns, its pool must be shut down: no worker process or pool thread
    still running (a `with` block does it); anything left running is stopped
    and fails the check.  The checks also run your function with
    multiprocessing's default start method set to "fork", "spawn" and
    "forkserver"; any of them works for the timed checks too.

    >>> run_cpu_bound(abs, [-3, 1, -2], 2)
    [3, 1, 2]
    """
    raise NotImplementedError


def run_io_bound(fn, inputs, workers):
    """Run a blocking, I/O-bound `fn` (a network call, a disk read, a sleep)
    over `inputs` on up to `workers` THREADS.

    Calls overlap: n calls of latency L each take about ceil(n / workers) x L,
    never fewer than that (no more than `workers` calls at once).  `fn` may be
    any callable, including a closure or a lambda.  As for run_cpu_bound, no
    pool thread may still be running once the function has returned.

    >>> run_io_bound(str.upper, ["a", "b"], 4)
    ['A', 'B']
    """
    raise NotImplementedError
