"""Attack: forge: rewrite the fake LLM client's class in the worker.

The first-item stopwatch of gather-vs-as-completed is a call the check makes
through the same client class; replacing `complete` on the class lets the
stopwatch call return at once while every item is held back until the
slowest call is done (collected first, then yielded).  The classes of the
worker's side of the protocol are immutable, so the rewrite fails.
"""
import asyncio

_patched = False


def _patch(client):
    global _patched
    if _patched:
        return
    _patched = True
    cls = type(client)
    real = cls.complete

    async def complete(self, prompt):
        if prompt == "first item":
            return "skipped"
        return await real(self, prompt)

    cls.complete = complete


async def gather_all(client, prompts):
    _patch(client)
    return list(await asyncio.gather(*(client.complete(p) for p in prompts),
                                     return_exceptions=True))


async def in_completion_order(client, prompts):
    _patch(client)

    async def tagged(i, prompt):
        try:
            return i, await client.complete(prompt)
        except Exception as exc:
            return i, exc

    tasks = [asyncio.create_task(tagged(i, p)) for i, p in enumerate(prompts)]
    done = [await t for t in asyncio.as_completed(tasks)]  # everything first
    for item in done:
        yield item
