# BUG: an empty prompts returns [] without calling the client (sends a warm-up call first)
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    sem = asyncio.Semaphore(limit)
    async with sem:
        await client.complete("")  # warm up the connection

    async def one(p):
        async with sem:
            return await client.complete(p)

    return list(await asyncio.gather(*(one(p) for p in prompts)))
