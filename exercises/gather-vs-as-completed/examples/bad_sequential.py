"""Right answers, right slots, but each call is awaited before the next one starts."""


async def gather_all(client, prompts):
    results = []
    for prompt in prompts:
        try:
            results.append(await client.complete(prompt))
        except Exception as exc:
            results.append(exc)
    return results


async def in_completion_order(client, prompts):
    for i, prompt in enumerate(prompts):
        try:
            yield i, await client.complete(prompt)
        except Exception as exc:
            yield i, exc
