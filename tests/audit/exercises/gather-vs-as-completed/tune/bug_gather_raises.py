# BUG: gather_all never raises because of a failed call (plain gather without return_exceptions)
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    return list(await asyncio.gather(*(client.complete(p) for p in prompts)))


async def _tagged(client, i, p):
    try:
        return i, await client.complete(p)
    except Exception as exc:
        return i, exc


async def in_completion_order(client, prompts: list[str]):
    for fut in asyncio.as_completed([_tagged(client, i, p) for i, p in enumerate(prompts)]):
        yield await fut
