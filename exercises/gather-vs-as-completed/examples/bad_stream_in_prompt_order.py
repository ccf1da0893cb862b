"""BAD: every call starts at once, but in_completion_order awaits the tasks in
prompt order, so a fast answer waits behind every slower prompt before it."""
import asyncio


async def _outcome(task):
    try:
        return await task
    except Exception as exc:
        return exc


async def gather_all(client, prompts):
    tasks = [asyncio.create_task(client.complete(p)) for p in prompts]
    return [await _outcome(t) for t in tasks]


async def in_completion_order(client, prompts):
    tasks = [asyncio.create_task(client.complete(p)) for p in prompts]
    for i, task in enumerate(tasks):
        yield i, await _outcome(task)
