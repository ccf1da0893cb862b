# GOOD: asyncio.TaskGroup (3.11) with a Semaphore, results stored by index
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    results: list = [None] * len(prompts)
    if not prompts:
        return results
    sem = asyncio.Semaphore(limit)

    async def one(i, p):
        async with sem:
            results[i] = await client.complete(p)

    async with asyncio.TaskGroup() as tg:
        for i, p in enumerate(prompts):
            tg.create_task(one(i, p))
    return results
