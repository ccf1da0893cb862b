# GOOD: asyncio.gather(return_exceptions=True); asyncio.as_completed over index-tagging wrappers
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    if not prompts:
        return []
    return list(await asyncio.gather(*(client.complete(p) for p in prompts), return_exceptions=True))


async def _tagged(client, i, p):
    try:
        return i, await client.complete(p)
    except Exception as exc:
        return i, exc


async def in_completion_order(client, prompts: list[str]):
    if not prompts:
        return
    for fut in asyncio.as_completed([_tagged(client, i, p) for i, p in enumerate(prompts)]):
        yield await fut
