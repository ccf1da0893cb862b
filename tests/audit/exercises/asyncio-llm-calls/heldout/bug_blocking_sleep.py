# BUG: never block the event loop (time.sleep used to pace requests inside the coroutine)
import asyncio
import time


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    if not prompts:
        return []
    sem = asyncio.Semaphore(limit)

    async def one(p):
        async with sem:
            time.sleep(0.002)  # "be nice to the provider"
            return await client.complete(p)

    return await asyncio.gather(*(one(p) for p in prompts))
