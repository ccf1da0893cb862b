"""Sized workloads of gil-threads-processes, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (docs/exercise-format.md).  The
CPU-bound function must be picklable by reference, so, as in checks.py, it
lives in a module written into the run's scratch folder.
"""

import importlib
import time

WORKLOADS = {
    "cpu_bound": {
        "sizes": [2, 4, 8, 16],
        "unit": "tasks",
        "clock": "wall",
        "description": "run_cpu_bound over n pure-Python tasks of about 10 ms each, 4 workers: "
                       "processes use every core, threads share one GIL.",
    },
    "io_bound": {
        "sizes": [8, 32, 128],
        "unit": "calls",
        "clock": "wall",
        "description": "run_io_bound over n calls that each wait 5 ms, 8 workers.",
    },
}

WORK_MODULE = "gil_workload"
WORK_SOURCE = '''"""CPU-bound work for the gil-threads-processes workloads."""


def spin(n):
    x = n or 1
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    return x
'''
TASK_N = 100_000
WAIT_S = 0.005


def workload_cpu_bound(sub, h, n):
    h.write_file(WORK_MODULE + ".py", WORK_SOURCE)
    importlib.invalidate_caches()
    spin = importlib.import_module(WORK_MODULE).spin
    inputs = [TASK_N] * n
    return lambda: sub.run_cpu_bound(spin, inputs, 4)


def _wait(key):
    time.sleep(WAIT_S)
    return key


def workload_io_bound(sub, h, n):
    inputs = [f"k{i}" for i in range(n)]
    return lambda: sub.run_io_bound(_wait, inputs, 8)
