"""Model solution for gather-vs-as-completed (the answer key: never shown to candidates)."""

import asyncio


async def gather_all(client, prompts):
    """asyncio.gather keeps input order; return_exceptions=True puts failures in their slots."""
    return list(await asyncio.gather(*(client.complete(p) for p in prompts),
                                     return_exceptions=True))


async def in_completion_order(client, prompts):
    """Tasks tagged with their index, yielded through asyncio.as_completed (fastest first)."""

    async def tagged(i, prompt):
        try:
            return i, await client.complete(prompt)
        except Exception as exc:  # the exception is the outcome for this prompt
            return i, exc

    tasks = [asyncio.create_task(tagged(i, p)) for i, p in enumerate(prompts)]
    try:
        for next_done in asyncio.as_completed(tasks):
            yield await next_done
    finally:
        for task in tasks:  # the caller stopped early: do not leave calls running
            task.cancel()
