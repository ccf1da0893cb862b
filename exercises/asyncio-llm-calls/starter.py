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


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - results_in_order (6.3 points, stopped after 20 s): 12 prompts, limit 4, later prompts
#     answer sooner: the results still follow the order of the prompts
#   - peak_within_limit (9.5 points, stopped after 20 s): 16 prompts with limit 4: never
#     more than 4 calls in flight (counted by the fake server), no 429 answers
#   - nonblocking (9.5 points, stopped after 20 s): the event loop never blocks: no blocking
#     call on the loop's thread outside its wait for I/O (its thread is looked at from
#     outside every 2 ms in every check; each time.sleep, however short, is counted), and a
#     5 ms heartbeat keeps ticking while fetch_all runs on a batch shaped like one of the
#     other checks' (drawn for every grading), also while 150 calls start and finish
#     together
#   - wall_time (9.5 points, stopped after 20 s): 40 calls of 30 ms with limit 8 take about
#     ceil(40/8) x 30 ms = 0.15 s
#   - keeps_limit_busy (9.5 points, stopped after 20 s): with uneven latencies, a new call
#     starts as soon as any call ends: close to `limit` calls in flight while work remains
#   - limit_one (3.2 points, stopped after 20 s): limit=1 sends the prompts one at a time,
#     still in order
#   - empty_input (3.2 points, stopped after 20 s): no prompts: returns [] without calling
#     the client (and without hanging)
#   - many_prompts (6.3 points, stopped after 20 s): 100 prompts of 10 ms with limit 25: in
#     flight never above 25, about 4 rounds
#   - limit_above_count (3.2 points, stopped after 20 s): a limit above the number of
#     prompts: all of them in flight at once
# Performance (20 points), only once the check wall_time passes: wall-clock time of 40 calls
# of 30 ms with limit 8; full marks at 1.43x slower than the reference or better, none at
# 2.50x slower or worse, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
