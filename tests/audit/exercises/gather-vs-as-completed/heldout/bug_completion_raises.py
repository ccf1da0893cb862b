# BUG: the exception object is yielded, never raised here (as_completed re-raises a failed call)
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    return list(await asyncio.gather(*(client.complete(p) for p in prompts), return_exceptions=True))


async def in_completion_order(client, prompts: list[str]):
    tasks = [asyncio.create_task(client.complete(p)) for p in prompts]
    index = {t: i for i, t in enumerate(tasks)}
    pending = set(tasks)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for t in done:
            yield index[t], t.result()
