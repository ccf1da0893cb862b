# CONTROL: fetch_all with a blocking call on the loop's thread before each
# request (time.sleep(2 ms): a rate limiter written with the wrong sleep).
import asyncio
import time


async def fetch_all(client, prompts, limit):
    sem = asyncio.Semaphore(limit)

    async def one(p):
        async with sem:
            time.sleep(0.002)  # blocks the event loop
            return await client.complete(p)

    return list(await asyncio.gather(*(one(p) for p in prompts)))
