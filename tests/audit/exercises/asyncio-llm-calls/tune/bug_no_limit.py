# BUG: at no moment more than `limit` calls in flight (gathers everything at once, ignores limit)
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    if not prompts:
        return []
    return list(await asyncio.gather(*(client.complete(p) for p in prompts)))
