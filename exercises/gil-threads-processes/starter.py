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


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - cpu_results (5.5 points): run_cpu_bound returns fn(x) for every input, in input order
#     (uneven tasks, 1 worker, more workers than inputs, a built-in fn, empty input)
#   - cpu_parallel (10.9 points): 4 pure-Python tasks of about 0.13 s each on 4 workers run
#     in worker processes, in parallel: the speed-up against the same work run serially
#     (serial time / your wall time) reaches at least 0.55 of what the machine allowed
#     during the span (the smaller of 4 and the cores other load left free); median of 3
#     runs on fresh inputs
#   - pools_shut_down (8.2 points): when run_cpu_bound and run_io_bound return, no worker
#     process or pool thread of theirs is still running (the harness finds, stops and counts
#     them; multiprocessing's forkserver and resource tracker aside)
#   - cpu_start_methods (8.2 points): run_cpu_bound gives the same results when
#     multiprocessing's default start method is fork, spawn or forkserver
#   - cpu_many_inputs (2.7 points): 40 small tasks on 2 workers keep their input order
#   - gil_threads_vs_processes (5.5 points): the same CPU-bound work on your processes and
#     on a thread pool: processes give a speed-up against the serial run, threads stay near
#     1x (the GIL)
#   - io_results (5.5 points): run_io_bound returns fn(x) for every input, in input order
#     (uneven latencies, 1 worker, a lambda, empty input)
#   - io_concurrent (8.2 points): 12 blocking calls of 100 ms on 4 threads take about
#     ceil(12/4) x 100 ms = 300 ms: calls overlap, at most 4 at a time
#   - io_many_workers (5.5 points): 20 calls of 50 ms on 10 threads take about 100 ms; 3
#     calls with 8 workers about 50 ms
# Performance (20 points), only once the check cpu_parallel passes: speed-up of
# run_cpu_bound (serial time / your wall time, 4 tasks of 0.13 s on 4 workers) as a share of
# what the machine allowed during the span (median of 3 runs); full marks at a ratio of 0.6
# or more, none at 0.4 or less, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
