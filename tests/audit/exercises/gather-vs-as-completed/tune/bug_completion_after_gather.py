# BUG: items come out as soon as each call finishes (waits for all, then yields sorted by finish time)
import asyncio
import time


async def gather_all(client, prompts: list[str]) -> list:
    return list(await asyncio.gather(*(client.complete(p) for p in prompts), return_exceptions=True))


async def in_completion_order(client, prompts: list[str]):
    finished = []

    async def one(i, p):
        try:
            r = await client.complete(p)
        except Exception as exc:
            r = exc
        finished.append((time.perf_counter(), i, r))

    await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts)))
    for _, i, r in sorted(finished, key=lambda x: x[0]):
        yield i, r
