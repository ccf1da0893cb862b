# GOOD: asyncio.Queue feeding `limit` worker tasks, results written by index
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    if not prompts:
        return []
    queue: asyncio.Queue = asyncio.Queue()
    for item in enumerate(prompts):
        queue.put_nowait(item)
    results: list = [None] * len(prompts)

    async def worker():
        while True:
            try:
                i, p = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            results[i] = await client.complete(p)

    workers = [asyncio.create_task(worker()) for _ in range(min(limit, len(prompts)))]
    try:
        await asyncio.gather(*workers)
    finally:
        for w in workers:
            w.cancel()
    return results
