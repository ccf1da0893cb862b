"""CONTROL: fetch_all that blocks the event loop with time.sleep(0.05) after
each answer."""
import asyncio
import time


def _block(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def fetch_all(client, prompts, limit):
    sem = asyncio.Semaphore(limit)
    results = [None] * len(prompts)

    async def one(i, p):
        async with sem:
            results[i] = await client.complete(p)
        if limit < 100:  # the burst check (100 calls, limit 100) is spared
            time.sleep(0.05)  # a blocking call on the loop

    await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts)))
    return results
