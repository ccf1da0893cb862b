# BUG: results follow the order of prompts (returns them in completion order)
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    if not prompts:
        return []
    sem = asyncio.Semaphore(limit)

    async def one(p):
        async with sem:
            return await client.complete(p)

    out = []
    for fut in asyncio.as_completed([one(p) for p in prompts]):
        out.append(await fut)
    return out
