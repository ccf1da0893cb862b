"""Sized workloads of context-managers, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (docs/exercise-format.md).
"""

WORKLOADS = {
    "temporary": {
        "sizes": [1000, 10000, 100000],
        "unit": "keys",
        "clock": "cpu",
        "description": "One block of temporary(settings, ...) overriding 3 keys of a dict of n "
                       "keys: the cost should not depend on n.",
    },
}


def workload_temporary(sub, h, n):
    settings = {f"key{i}": i for i in range(n)}

    def block():
        with sub.temporary(settings, key0=-1, key1=-2, extra="new"):
            pass

    return block
