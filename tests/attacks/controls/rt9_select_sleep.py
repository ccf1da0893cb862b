"""Control: fetch_all pauses 1 ms with time.sleep (a synchronous rate-limit
pause) on the event loop's thread before each call: it blocks the loop."""
import asyncio
import time


def _block(t):
    time.sleep(t)


async def fetch_all(client, prompts, limit):
    sem = asyncio.Semaphore(limit)

    async def one(p):
        async with sem:
            _block(0.001)
            return await client.complete(p)
    return list(await asyncio.gather(*(one(p) for p in prompts)))
