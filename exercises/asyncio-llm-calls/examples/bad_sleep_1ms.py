# BAD: time.sleep(0.001) before each call blocks the event loop for 1 ms a call
"""Semaphore-bounded tasks in a TaskGroup, each writing its answer into its own slot."""
import asyncio


async def fetch_all(client, prompts, limit):
    results = [None] * len(prompts)
    gate = asyncio.Semaphore(limit)

    async def worker(i, prompt):
        async with gate:
            import time; time.sleep(0.001)
            results[i] = await client.complete(prompt)

    async with asyncio.TaskGroup() as tg:
        for i, prompt in enumerate(prompts):
            tg.create_task(worker(i, prompt))
    return results
