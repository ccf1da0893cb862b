# GOOD: asyncio.wait(ALL_COMPLETED) then read each task in prompt order; as_completed over tasks mapped back to indexes
import asyncio


def _outcome(t):
    exc = t.exception()
    return exc if exc is not None else t.result()


async def gather_all(client, prompts: list[str]) -> list:
    if not prompts:
        return []
    tasks = [asyncio.ensure_future(client.complete(p)) for p in prompts]
    await asyncio.wait(tasks)
    return [_outcome(t) for t in tasks]


async def in_completion_order(client, prompts: list[str]):
    if not prompts:
        return
    done_q: asyncio.Queue = asyncio.Queue()

    async def one(i, p):
        try:
            r = await client.complete(p)
        except Exception as exc:
            r = exc
        await done_q.put((i, r))

    tasks = [asyncio.create_task(one(i, p)) for i, p in enumerate(prompts)]
    try:
        for _ in tasks:
            yield await done_q.get()
    finally:
        for t in tasks:
            t.cancel()
