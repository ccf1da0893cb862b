"""CONTROL: in_completion_order that waits for EVERY call before yielding the
first item (then yields them in completion order): the first item is late."""
import asyncio


async def gather_all(client, prompts):
    return list(await asyncio.gather(*(client.complete(p) for p in prompts),
                                     return_exceptions=True))


async def in_completion_order(client, prompts):
    order = []

    async def one(i, p):
        try:
            r = await client.complete(p)
        except Exception as e:
            r = e
        order.append((i, r))

    await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts)))
    for item in order:
        yield item
