# CONTROL: the same honest solution, no frame of its own.
import asyncio


async def gather_all(client, prompts):
    return list(await asyncio.gather(*(client.complete(p) for p in prompts), return_exceptions=True))


async def in_completion_order(client, prompts):
    async def one(i, p):
        try:
            return i, await client.complete(p)
        except Exception as e:
            return i, e

    for fut in asyncio.as_completed([one(i, p) for i, p in enumerate(prompts)]):
        yield await fut
