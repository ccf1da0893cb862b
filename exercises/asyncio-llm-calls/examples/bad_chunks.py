"""Sends the prompts in groups of `limit` and waits for a whole group before the next:
within the limit, but one slow call leaves the other slots idle."""
import asyncio


async def fetch_all(client, prompts, limit):
    results = []
    for start in range(0, len(prompts), limit):
        group = prompts[start:start + limit]
        results.extend(await asyncio.gather(*(client.complete(p) for p in group)))
    return results
