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
    - A consumer may stop iterating early.  Cancelling the calls still running
      when the generator is closed (a try/finally around the loop that yields)
      is good practice, but it is not graded: only what is yielded, when, and
      how many calls run at once are.

    >>> async for i, outcome in in_completion_order(client, prompts):
    ...     print(i, outcome)
    """
    raise NotImplementedError
    yield  # makes this function an async generator


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - gather_order (6.7 points, stopped after 20 s): gather_all returns the answers in the
#     order of the prompts, although later prompts answer sooner
#   - gather_exceptions (10.0 points, stopped after 20 s): a failed call's exception is
#     returned in its slot (the other answers still arrive); gather_all does not raise
#   - gather_concurrent (10.0 points, stopped after 20 s): 20 calls of 20 to 115 ms all run
#     at once: the batch takes about as long as the slowest call, not the sum (1.35 s)
#   - gather_many (6.7 points, stopped after 20 s): 100 calls of 200 ms at once, every 17th
#     failing: outcomes in order, about 200 ms in all
#   - completion_order (10.0 points, stopped after 20 s): in_completion_order yields (index,
#     answer or exception) fastest first, all calls running at once
#   - completion_many (6.7 points, stopped after 20 s): 10 prompts with scrambled latencies
#     25 ms apart, two failing: yielded in order of completion
#   - first_item_early (6.7 points, stopped after 20 s): the first item arrives as soon as
#     the fastest call is done (30 ms), not after the slow ones (0.25 s and more)
#   - empty_input (3.3 points, stopped after 20 s): no prompts: gather_all returns [],
#     in_completion_order yields nothing, the client is not called
# Performance (20 points), only once the check gather_concurrent passes: wall-clock time of
# 20 concurrent calls of 20 to 115 ms; full marks at 1.43x slower than the reference or
# better, none at 2.50x slower or worse, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
