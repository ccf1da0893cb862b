"""Sized workloads of gather-vs-as-completed, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (docs/exercise-format.md).
"""

import asyncio

WORKLOADS = {
    "gather_all": {
        "sizes": [100, 1000, 10000],
        "unit": "prompts",
        "clock": "wall",
        "description": "gather_all over n prompts, every call answering after 1 ms.",
    },
    "in_completion_order": {
        "sizes": [100, 1000, 10000],
        "unit": "prompts",
        "clock": "wall",
        "description": "Draining in_completion_order over n prompts, every call answering after "
                       "1 ms.",
    },
}

LATENCY_S = 0.001


def workload_gather_all(sub, h, n):
    prompts = [f"p{i}" for i in range(n)]
    client = h.client("workload", latency=LATENCY_S, cap=n + 1)
    return lambda: asyncio.run(sub.gather_all(client, prompts))


def workload_in_completion_order(sub, h, n):
    prompts = [f"p{i}" for i in range(n)]
    client = h.client("workload", latency=LATENCY_S, cap=n + 1)

    async def drain():
        async for _ in sub.in_completion_order(client, prompts):
            pass

    return lambda: asyncio.run(drain())
