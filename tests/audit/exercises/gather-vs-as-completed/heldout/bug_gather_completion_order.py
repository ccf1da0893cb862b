# BUG: gather_all's list follows the order of prompts (appends results as they finish)
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    out = []

    async def one(p):
        try:
            out.append(await client.complete(p))
        except Exception as exc:
            out.append(exc)

    await asyncio.gather(*(one(p) for p in prompts))
    return out


async def in_completion_order(client, prompts: list[str]):
    async def tagged(i, p):
        try:
            return i, await client.complete(p)
        except Exception as exc:
            return i, exc

    for fut in asyncio.as_completed([tagged(i, p) for i, p in enumerate(prompts)]):
        yield await fut
