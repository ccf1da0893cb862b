"""Respects the limit, but paces requests with time.sleep, which freezes the event loop."""
import asyncio
import time


async def fetch_all(client, prompts, limit):
    gate = asyncio.Semaphore(limit)

    async def one(prompt):
        async with gate:
            time.sleep(0.02)  # "be gentle with the API": blocks every other coroutine too
            return await client.complete(prompt)

    return await asyncio.gather(*(one(p) for p in prompts))
