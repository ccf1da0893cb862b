"""Gets the completion order right but holds every item back until the slowest call is done."""
import asyncio


async def gather_all(client, prompts):
    return list(await asyncio.gather(*(client.complete(p) for p in prompts), return_exceptions=True))


async def in_completion_order(client, prompts):
    async def tagged(i, prompt):
        try:
            return i, await client.complete(prompt)
        except Exception as exc:
            return i, exc

    in_order = [await fut for fut in asyncio.as_completed([tagged(i, p) for i, p in enumerate(prompts)])]
    for item in in_order:
        yield item
