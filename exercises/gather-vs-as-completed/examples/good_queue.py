"""Each call reports to an asyncio.Queue when it finishes; the generator drains the queue."""
import asyncio


async def gather_all(client, prompts):
    results = await asyncio.gather(*map(client.complete, prompts), return_exceptions=True)
    return list(results)


async def in_completion_order(client, prompts):
    finished = asyncio.Queue()

    async def call(i, prompt):
        try:
            outcome = await client.complete(prompt)
        except Exception as exc:
            outcome = exc
        await finished.put((i, outcome))

    workers = [asyncio.ensure_future(call(i, p)) for i, p in enumerate(prompts)]
    try:
        for _ in prompts:
            yield await finished.get()
    finally:
        for w in workers:
            w.cancel()
