"""Concurrent LLM calls with asyncio, under a concurrency limit.

`client` is an async LLM client: `await client.complete(prompt)` returns the
model's answer (a str) after some network latency.  The provider allows only a
few requests in flight at once: go over its limit and it answers HTTP 429
(`RateLimitError`).
"""

import asyncio  # noqa: F401  (you will need it)


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    """Return [await client.complete(p) for p in prompts], computed concurrently.

    - The result list follows the order of `prompts`, whatever order the
      answers arrive in.
    - Every prompt is sent exactly once.
    - At no moment are more than `limit` calls in flight (limit >= 1).
    - While prompts remain to be sent, keep close to `limit` calls in flight:
      as soon as one call finishes, start the next one.  With n prompts of
      equal latency d the whole batch should take about ceil(n / limit) * d.
    - Never block the event loop (no time.sleep or other blocking calls
      inside a coroutine).
    - An empty `prompts` returns [] without calling the client.

    >>> await fetch_all(client, ["a", "b", "c"], limit=2)
    ['completion<a>', 'completion<b>', 'completion<c>']
    """
    raise NotImplementedError
