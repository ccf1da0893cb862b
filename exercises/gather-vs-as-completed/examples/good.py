"""Tasks awaited one by one for gather_all; asyncio.wait(FIRST_COMPLETED) for the stream."""
import asyncio
import itertools


async def _outcome(task):
    try:
        return await task
    except Exception as exc:
        return exc


async def gather_all(client, prompts):
    tasks = [asyncio.create_task(client.complete(p)) for p in prompts]  # all start now
    return [await _outcome(t) for t in tasks]


async def in_completion_order(client, prompts):
    index_of = {asyncio.create_task(client.complete(p)): i for i, p in enumerate(prompts)}
    # asyncio.wait hands back an unordered set: when several calls finish before the
    # loop looks again, this counter keeps the order in which they actually finished.
    ticket = itertools.count()
    finished = {}
    for task in index_of:
        task.add_done_callback(lambda t: finished.setdefault(t, next(ticket)))
    pending = set(index_of)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            # A task that finished just before wait() returned may not have had
            # its callback yet: it finished after every task that has one.
            for task in sorted(done, key=lambda t: finished.get(t, len(index_of))):
                exc = task.exception()
                yield index_of[task], exc if exc is not None else task.result()
    finally:
        for task in pending:
            task.cancel()
