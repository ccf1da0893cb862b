"""Fires every call at once and ignores the limit: the provider answers 429."""
import asyncio


async def fetch_all(client, prompts, limit):
    return await asyncio.gather(*(client.complete(p) for p in prompts))
