"""Control: right results, but every call blocks the event loop for 1 ms."""
import asyncio
import time


async def fetch_all(client, prompts, limit):
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    semaphore = asyncio.Semaphore(limit)

    async def one(prompt):
        async with semaphore:
            time.sleep(0.001)  # a short blocking call inside a coroutine
            return await client.complete(prompt)

    return list(await asyncio.gather(*(one(p) for p in prompts)))
