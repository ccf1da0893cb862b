"""Sized workloads of running-mean, for `pyharness compare`.

Each workload_<name>(sub, h, n) returns a callable that does the work once
(see docs/exercise-format.md).
"""

WORKLOADS = {
    "running_mean": {
        "sizes": [1000, 10000, 100000],
        "unit": "values",
        "clock": "cpu",
        "description": "Draining running_mean() over n values one mean at a time.",
    },
}


def workload_running_mean(sub, h, n):
    def drain():
        for _ in sub.running_mean(iter(range(n))):
            pass

    return drain
