# BUG: all calls run at the same time (in_completion_order starts each call only after yielding the previous one)
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    return list(await asyncio.gather(*(client.complete(p) for p in prompts), return_exceptions=True))


async def in_completion_order(client, prompts: list[str]):
    for i, p in enumerate(prompts):
        try:
            r = await client.complete(p)
        except Exception as exc:
            r = exc
        yield i, r
