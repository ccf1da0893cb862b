# GOOD: gather(return_exceptions=True); as_completed over coroutines that return (index, outcome)
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    return list(await asyncio.gather(*(client.complete(p) for p in prompts), return_exceptions=True))


async def _indexed(client, i, prompt):
    try:
        return i, await client.complete(prompt)
    except Exception as e:
        return i, e


async def in_completion_order(client, prompts: list[str]):
    tasks = [asyncio.ensure_future(_indexed(client, i, p)) for i, p in enumerate(prompts)]
    try:
        for fut in asyncio.as_completed(tasks):
            yield await fut
    finally:
        for t in tasks:
            t.cancel()
