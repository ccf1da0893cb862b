# GOOD: gather over wrapper coroutines; add_done_callback feeding an asyncio.Queue with (index, outcome)
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    async def safe(p):
        try:
            return await client.complete(p)
        except Exception as e:
            return e

    return await asyncio.gather(*[safe(p) for p in prompts])


async def in_completion_order(client, prompts: list[str]):
    if not prompts:
        return
    queue = asyncio.Queue()
    tasks = []
    for i, p in enumerate(prompts):
        t = asyncio.ensure_future(client.complete(p))
        t.add_done_callback(lambda fut, i=i: queue.put_nowait((i, fut)))
        tasks.append(t)
    try:
        for _ in prompts:
            i, fut = await queue.get()
            if fut.cancelled():
                yield i, asyncio.CancelledError()
            elif fut.exception() is not None:
                yield i, fut.exception()
            else:
                yield i, fut.result()
    finally:
        for t in tasks:
            t.cancel()
