# GOOD: gather over try/except wrappers; in_completion_order with as_completed over tasks and an id(task)->index map
import asyncio


async def _safe(coro):
    try:
        return await coro
    except Exception as exc:
        return exc


async def gather_all(client, prompts: list[str]) -> list:
    return list(await asyncio.gather(*(_safe(client.complete(p)) for p in prompts)))


async def in_completion_order(client, prompts: list[str]):
    async def tagged(i, p):
        return i, await _safe(client.complete(p))

    tasks = [asyncio.create_task(tagged(i, p)) for i, p in enumerate(prompts)]
    try:
        for fut in asyncio.as_completed(tasks):
            yield await fut
    finally:
        for t in tasks:
            t.cancel()
