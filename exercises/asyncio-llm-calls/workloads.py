"""Sized workloads of asyncio-llm-calls, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (docs/exercise-format.md).
"""

import asyncio

from pyharness.fakellm import FakeLLMClient

WORKLOADS = {
    "fetch_all": {
        "sizes": [100, 1000, 5000],
        "unit": "prompts",
        "clock": "wall",
        "description": "fetch_all over n prompts with limit 50, each call answering after 1 ms: "
                       "wall time is how well the limit is kept busy.",
    },
}

LIMIT = 50
LATENCY_S = 0.001


def _client(h, name, **kwargs):
    """The in-process fake LLM client: sized workloads run in one process.

    h.client() returns the same here, except in a host that readied a check
    runner before the job (a parked runner keeps pyharness.remote's runner
    set), where it hands out the runner's handle, which has no complete()."""
    return FakeLLMClient(name, **kwargs)


def workload_fetch_all(sub, h, n):
    prompts = [f"p{i}" for i in range(n)]
    client = _client(h, "workload", latency=LATENCY_S, cap=LIMIT)
    return lambda: asyncio.run(sub.fetch_all(client, prompts, LIMIT))
