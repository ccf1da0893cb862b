"""Sized workloads of generators-streaming, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (docs/exercise-format.md).
"""

import json

WORKLOADS = {
    "batched": {
        "sizes": [1000, 10000, 100000, 1000000],
        "unit": "items",
        "clock": "cpu",
        "description": "Draining batched(iterator over n items, 100) one batch at a time: a lazy "
                       "version keeps memory constant.",
    },
    "read_jsonl": {
        "sizes": [1000, 10000, 100000],
        "unit": "lines",
        "clock": "cpu",
        "description": "Draining read_jsonl over a file of n short JSON lines.",
    },
}


def workload_batched(sub, h, n):
    def drain():
        for _ in sub.batched(iter(range(n)), 100):
            pass

    return drain


def workload_read_jsonl(sub, h, n):
    lines = "".join(json.dumps({"id": i, "name": f"item{i}"}) + "\n" for i in range(n))
    path = h.write_file(f"workload-{n}.jsonl", lines)

    def drain():
        for _ in sub.read_jsonl(path):
            pass

    return drain
