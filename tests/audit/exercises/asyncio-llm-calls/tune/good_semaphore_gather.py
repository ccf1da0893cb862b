# GOOD: asyncio.Semaphore around each call, asyncio.gather keeps prompt order
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    if not prompts:
        return []
    sem = asyncio.Semaphore(limit)

    async def one(p):
        async with sem:
            return await client.complete(p)

    return await asyncio.gather(*(one(p) for p in prompts))
