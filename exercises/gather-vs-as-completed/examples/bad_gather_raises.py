"""Plain asyncio.gather: the first failed call's exception propagates and the other
answers are lost; the stream gives up at the first failure too."""
import asyncio


async def gather_all(client, prompts):
    return await asyncio.gather(*(client.complete(p) for p in prompts))


async def in_completion_order(client, prompts):
    async def tagged(i, prompt):
        return i, await client.complete(prompt)

    for next_done in asyncio.as_completed([tagged(i, p) for i, p in enumerate(prompts)]):
        yield await next_done
