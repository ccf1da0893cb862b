"""Semaphore-bounded tasks in a TaskGroup, each writing its answer into its own slot."""
import asyncio


async def fetch_all(client, prompts, limit):
    results = [None] * len(prompts)
    gate = asyncio.Semaphore(limit)

    async def worker(i, prompt):
        async with gate:
            results[i] = await client.complete(prompt)

    async with asyncio.TaskGroup() as tg:
        for i, prompt in enumerate(prompts):
            tg.create_task(worker(i, prompt))
    return results
