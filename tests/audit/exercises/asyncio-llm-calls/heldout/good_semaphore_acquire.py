# GOOD: acquire a Semaphore before creating each task (bounded task creation), release in a done-callback
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    if not prompts:
        return []
    sem = asyncio.Semaphore(limit)
    tasks = []
    for p in prompts:
        await sem.acquire()
        t = asyncio.create_task(client.complete(p))
        t.add_done_callback(lambda _t: sem.release())
        tasks.append(t)
    return list(await asyncio.gather(*tasks))
