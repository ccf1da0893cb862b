"""Control: a correct bounded fetch_all that blocks its event loop with one
time.sleep(0.09) per batch (a synchronous call inside a coroutine)."""
import asyncio
import time


async def fetch_all(client, prompts, limit):
    if not prompts:
        return []
    sem = asyncio.Semaphore(limit)

    async def one(p):
        async with sem:
            return await client.complete(p)

    tasks = [asyncio.ensure_future(one(p)) for p in prompts]
    await asyncio.sleep(0.01)
    time.sleep(0.09)  # the blocking call the check must see
    return list(await asyncio.gather(*tasks))
