"""A fixed pool of `limit` workers pulling prompts from an asyncio.Queue."""
import asyncio


async def fetch_all(client, prompts, limit):
    queue = asyncio.Queue()
    for item in enumerate(prompts):
        queue.put_nowait(item)
    answers = [None] * len(prompts)

    async def worker():
        while True:
            try:
                i, prompt = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            answers[i] = await client.complete(prompt)

    await asyncio.gather(*(worker() for _ in range(min(limit, len(prompts)))))
    return answers
