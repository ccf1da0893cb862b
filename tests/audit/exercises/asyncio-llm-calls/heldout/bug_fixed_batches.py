# BUG: as soon as one call finishes, start the next one (fixed batches of `limit`, waits for the slowest of each batch)
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    results = []
    for start in range(0, len(prompts), limit):
        chunk = prompts[start:start + limit]
        results.extend(await asyncio.gather(*(client.complete(p) for p in chunk)))
    return results
