"""Sized workloads of gather-vs-as-completed, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (docs/exercise-format.md).
"""

import asyncio

from pyharness.fakellm import FakeLLMClient

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


def _client(h, name, **kwargs):
    """The in-process fake LLM client: sized workloads run in one process.

    h.client() returns the same here, except in a host that readied a check
    runner before the job (a parked runner keeps pyharness.remote's runner
    set), where it hands out the runner's handle, which has no complete()."""
    return FakeLLMClient(name, **kwargs)


def workload_gather_all(sub, h, n):
    prompts = [f"p{i}" for i in range(n)]
    client = _client(h, "workload", latency=LATENCY_S, cap=n + 1)
    return lambda: asyncio.run(sub.gather_all(client, prompts))


def workload_in_completion_order(sub, h, n):
    prompts = [f"p{i}" for i in range(n)]
    client = _client(h, "workload", latency=LATENCY_S, cap=n + 1)

    async def drain():
        async for _ in sub.in_completion_order(client, prompts):
            pass

    return lambda: asyncio.run(drain())
