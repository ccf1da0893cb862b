"""Model solution for asyncio-llm-calls (the answer key: never shown to candidates)."""

import asyncio


async def fetch_all(client, prompts, limit):
    """One task per prompt; a semaphore lets at most `limit` of them call the API at once."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    semaphore = asyncio.Semaphore(limit)

    async def one(prompt):
        async with semaphore:
            return await client.complete(prompt)

    # gather keeps the input order, whatever order the calls finish in.
    return list(await asyncio.gather(*(one(p) for p in prompts)))
