"""Two ways to collect many concurrent LLM calls: all at once, or as they finish.

`client` is an async LLM client: `await client.complete(prompt)` returns the
model's answer (a str) after some latency, or raises an exception (for
example a 500 from the model) for some prompts.
"""

import asyncio  # noqa: F401  (you will need it)


async def gather_all(client, prompts: list[str]) -> list:
    """Call the client for every prompt concurrently and return all outcomes.

    - All calls run at the same time: the whole batch takes about as long as
      its slowest call.
    - The list follows the order of `prompts`, whatever order the calls finish in.
    - A call that raised puts its exception object in its slot; gather_all
      itself never raises because of a failed call, and the other calls still
      complete.
    - An empty `prompts` returns [].

    >>> await gather_all(client, ["a", "bad", "c"])
    ['completion<a>', CompletionError(...), 'completion<c>']
    """
    raise NotImplementedError


async def in_completion_order(client, prompts: list[str]):
    """Async generator: yield (index, result_or_exception) as each call finishes.

    - All calls run at the same time, started when iteration begins.
    - Items come out fastest first: each one as soon as its call finishes,
      without waiting for the slower calls.
    - `index` is the prompt's position in `prompts`; the second element is the
      answer, or the exception object if that call raised (never raised here).
    - Every prompt yields exactly one item; an empty `prompts` yields nothing.

    >>> async for i, outcome in in_completion_order(client, prompts):
    ...     print(i, outcome)
    """
    raise NotImplementedError
    yield  # makes this function an async generator
