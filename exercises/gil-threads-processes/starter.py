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
    first, then watches how long each process of your run ran or waited for
    a CPU while your function ran.  The work must be divided among processes
    (no process doing most of it), those processes must work at the same
    time (not one task after another), and the work must be most of the CPU
    time your run uses.  Other load on the machine slows every process alike,
    so it neither fails nor helps you.  Most of the CPU time must be spent in
    worker processes, not in your own process.  When the function
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
    with no more than `workers` calls in flight at once (in the timed checks,
    `fn` is a service the grader answers, and it counts the calls in flight).  `fn` may be
    any callable, including a closure or a lambda.  As for run_cpu_bound, no
    pool thread may still be running once the function has returned.

    >>> run_io_bound(str.upper, ["a", "b"], 4)
    ['A', 'B']
    """
    raise NotImplementedError


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - pools_shut_down (8.2 points, stopped after 30 s): when run_cpu_bound and run_io_bound
#     return, their pools are shut down: no worker process or pool thread of theirs is still
#     running, counted the moment the function returns, no process is running after import,
#     and no multiprocessing.Pool was left for the garbage collector to terminate (a pool
#     made at module level, kept between calls or never closed fails it; the harness finds,
#     stops and counts them; multiprocessing's forkserver and resource tracker aside)
#   - cpu_results (5.5 points, stopped after 20 s): run_cpu_bound returns fn(x) for every
#     input, in input order (uneven tasks, 1 worker, more workers than inputs, a built-in
#     fn, empty input)
#   - cpu_parallel (10.9 points, stopped after 40 s): 4 pure-Python tasks of about 0.13 s
#     each on 4 workers run in worker processes, in parallel: the work is divided among
#     processes (the busiest one does at most about 1/(0.55 m) of it) that work at the same
#     time (on average at least 0.75 m of them running or waiting for a CPU), where m is the
#     smaller of 4 and the machine's CPUs, and the work is at least a quarter of the run's
#     CPU time; judged from how long each process ran or waited for a CPU, not from the wall
#     clock, so other load on the machine neither fails nor helps you; median of 3 runs on
#     fresh inputs
#   - cpu_start_methods (8.2 points, stopped after 30 s): run_cpu_bound gives the same
#     results when multiprocessing's default start method is fork, spawn or forkserver
#   - cpu_many_inputs (2.7 points, stopped after 20 s): 40 small tasks on 2 workers keep
#     their input order
#   - gil_threads_vs_processes (5.5 points, stopped after 40 s): the same CPU-bound work on
#     your processes and on a thread pool: your processes divide the work and run at the
#     same time (judged as in cpu_parallel); threads cannot (the GIL)
#   - io_results (5.5 points, stopped after 20 s): run_io_bound returns fn(x) for every
#     input, in input order (uneven latencies, 1 worker, a lambda, empty input)
#   - io_concurrent (8.2 points, stopped after 20 s): 12 blocking calls of 100 ms on 4
#     threads overlap: on average at least 2.4 in flight at once and never more than 4 (the
#     service counts them, so other load on the machine does not matter), about ceil(12/4) x
#     100 ms = 300 ms in all
#   - io_many_workers (5.5 points, stopped after 20 s): 20 calls of 50 ms on 10 threads: on
#     average at least 6 in flight at once, never more than 10; 3 calls with 8 workers: at
#     least 1.8 at once on average, exactly 3 calls (counted by the service)
# Performance (20 points), only once the check cpu_parallel passes: how far the work of
# run_cpu_bound was divided among processes (4 tasks of 0.13 s on 4 workers): the CPU time
# of the same tasks run serially in the reference's run over the busiest process's CPU time,
# each over a fixed loop the harness times in the same run (so a change in the machine's
# speed between the two runs cancels out), as a share of what can run at once on this
# machine; judged from each process's run and wait times, not the wall clock (median of 3
# runs); the check itself requires the processes to work at the same time; full marks at a
# ratio of 0.6 or more, none at 0.4 or less, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
