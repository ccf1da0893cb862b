# GOOD: TaskGroup with per-call try/except for gather_all; asyncio.wait(FIRST_COMPLETED) loop for in_completion_order
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    results: list = [None] * len(prompts)

    async def one(i, p):
        try:
            results[i] = await client.complete(p)
        except Exception as exc:
            results[i] = exc

    async with asyncio.TaskGroup() as tg:
        for i, p in enumerate(prompts):
            tg.create_task(one(i, p))
    return results


async def in_completion_order(client, prompts: list[str]):
    index = {asyncio.ensure_future(client.complete(p)): i for i, p in enumerate(prompts)}
    pending = set(index)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for t in done:
                exc = t.exception()
                yield index[t], (exc if exc is not None else t.result())
    finally:
        for t in pending:
            t.cancel()
