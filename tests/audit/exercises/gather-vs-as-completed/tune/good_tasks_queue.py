# GOOD: create_task per call; gather_all awaits tasks in order; in_completion_order uses done-callbacks feeding an asyncio.Queue
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    tasks = [asyncio.create_task(client.complete(p)) for p in prompts]
    out = []
    for t in tasks:
        try:
            out.append(await t)
        except Exception as exc:
            out.append(exc)
    return out


async def in_completion_order(client, prompts: list[str]):
    n = len(prompts)
    if n == 0:
        return
    q: asyncio.Queue = asyncio.Queue()
    tasks = []
    for i, p in enumerate(prompts):
        t = asyncio.create_task(client.complete(p))
        t.add_done_callback(lambda t, i=i: q.put_nowait((i, t)))
        tasks.append(t)
    try:
        for _ in range(n):
            i, t = await q.get()
            exc = t.exception()
            yield i, (exc if exc is not None else t.result())
    finally:
        for t in tasks:
            t.cancel()
