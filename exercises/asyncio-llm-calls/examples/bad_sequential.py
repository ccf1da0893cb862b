"""Correct answers in the right order, but one call at a time: async syntax, no concurrency."""


async def fetch_all(client, prompts, limit):
    results = []
    for prompt in prompts:
        results.append(await client.complete(prompt))
    return results
