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
    must really run in parallel: the grader measures, from outside your code,
    the CPU time of your process and of its worker processes divided by the
    wall time ("parallelism"), and expects it clearly above 1, close to what
    the machine's free cores allow at that moment.  Worker processes are
    counted once they have exited and been reaped, so shut your pool down
    before returning (a `with` block does).  The checks also run your function
    with multiprocessing's default start method set to "fork", "spawn" and
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
    any callable, including a closure or a lambda.

    >>> run_io_bound(str.upper, ["a", "b"], 4)
    ['A', 'B']
    """
    raise NotImplementedError
