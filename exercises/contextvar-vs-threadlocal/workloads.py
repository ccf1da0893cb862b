"""Sized workloads of contextvar-vs-threadlocal, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (docs/exercise-format.md).
"""

import asyncio

WORKLOADS = {
    "requests": {
        "sizes": [1000, 10000, 100000],
        "unit": "requests",
        "clock": "cpu",
        "description": "n handle_request calls one after another on one event loop, each "
                       "reading the request id back.",
    },
}


def workload_requests(sub, h, n):
    async def scenario():
        async def work():
            return sub.current_request_id()

        handle = sub.handle_request
        for i in range(n):
            await handle(i, work)

    return lambda: asyncio.run(scenario())
