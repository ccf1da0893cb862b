"""Attack: forge: a thread feeds the event-loop monitor's heartbeat while the
loop is blocked, so blocking calls look non-blocking (red-team pass)."""
import asyncio
import threading
import time

import _pyharness

_beat = _pyharness.heartbeat


def _feeder():
    while True:
        for name in ("loop", "fetch", "main"):
            try:
                _beat(name)
            except Exception:
                pass
        time.sleep(0.001)


threading.Thread(target=_feeder, daemon=True).start()


async def fetch_all(client, prompts, limit):
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    semaphore = asyncio.Semaphore(limit)

    async def one(prompt):
        async with semaphore:
            time.sleep(0.03)  # a blocking call inside a coroutine
            return await client.complete(prompt)

    return list(await asyncio.gather(*(one(p) for p in prompts)))
