# BUG: keep close to `limit` calls in flight (awaits every call in turn: one at a time)
import asyncio  # noqa: F401


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    results = []
    for p in prompts:
        results.append(await client.complete(p))
    return results
