"""Observation checks for gather-vs-as-completed.

Each check builds a fake LLM client with a latency per prompt (its counters
live in C: calls, peak in flight, span from first call to last completion)
and runs the submission through h.run_async (timed in C).  Observations hold
only what came back, with exceptions reduced to their type name, so they are
the same for every correct solution; rules in exercise.json read the C
figures for concurrency and timing.  Completion order is observable because
the latencies differ by at least 25 ms.
"""

import asyncio

from pyharness.checklib import exception_name as _name
from pyharness.checklib import observable as _observable

RUN_TIMEOUT_S = 8.0  # a hung coroutine becomes an observed TimeoutError, not a killed run


def _outcome(value):
    """An answer as itself; an exception as '!' + its type name; anything else flagged."""
    if type(value) is str:
        return value
    if isinstance(value, BaseException):
        return "!" + type(value).__name__
    return "?" + type(value).__name__


def _item(item):
    if type(item) is tuple and len(item) == 2 and type(item[0]) is int:
        return [item[0], _outcome(item[1])]
    return "?" + type(item).__name__


def _run(h, label, make, ideal_s, normalise):
    """Run make() through h.run_async; observe its normalised result or the exception's type."""
    obs = {"raised": None, "results": None, "ideal_ns": round(ideal_s * 1e9)}
    try:
        value = h.run_async(label, make, timeout=RUN_TIMEOUT_S)
    except Exception as exc:
        if not _observable(exc):
            raise
        obs["raised"] = _name(exc)
        return obs
    obs["results"] = normalise(value)
    return obs


def _gather(sub, h, client, prompts, ideal_s):
    async def go():
        return await sub.gather_all(client, list(prompts))

    def normalise(value):
        if type(value) is not list:
            return "?" + type(value).__name__
        return [_outcome(v) for v in value]

    return _run(h, "gather", go, ideal_s, normalise)


def _stream(sub, h, client, prompts, ideal_s):
    async def go():
        items = []
        async for item in sub.in_completion_order(client, list(prompts)):
            items.append(item)
        return items

    return _run(h, "stream", go, ideal_s, lambda items: [_item(i) for i in items])


def check_gather_order(sub, h):
    # Later prompts answer sooner: the list must still follow the prompts.
    prompts = [f"order-{i}" for i in range(6)]
    latencies = {p: 0.12 - 0.02 * i for i, p in enumerate(prompts)}
    client = h.client("order", latencies=latencies)
    return _gather(sub, h, client, prompts, 0.12)


def check_gather_exceptions(sub, h):
    # Two prompts fail; one of them fails first of all.
    prompts = [f"exc-{i}" for i in range(8)]
    latencies = {p: 0.03 + 0.01 * i for i, p in enumerate(prompts)}
    latencies["exc-2"] = 0.01
    client = h.client("exc", latencies=latencies, fail={"exc-2", "exc-5"})
    return _gather(sub, h, client, prompts, 0.10)


def check_gather_concurrent(sub, h):
    # 20 calls of 20 to 115 ms: together about 115 ms, one after another 1.35 s.
    prompts = [f"conc-{i:02d}" for i in range(20)]
    latencies = {p: 0.02 + 0.005 * ((7 * i) % 20) for i, p in enumerate(prompts)}
    client = h.client("conc", latencies=latencies)
    return _gather(sub, h, client, prompts, 0.115)


def check_gather_many(sub, h):
    # 100 calls of 10 ms, every 17th fails.
    prompts = [f"many-{i:03d}" for i in range(100)]
    client = h.client("many", latency=0.01, fail={p for i, p in enumerate(prompts) if i % 17 == 3})
    return _gather(sub, h, client, prompts, 0.01)


def check_completion_order(sub, h):
    # Fastest first: 5, 1, 3 (fails), 0, 4, 2.
    prompts = [f"race-{i}" for i in range(6)]
    latencies = dict(zip(prompts, [0.10, 0.04, 0.16, 0.07, 0.13, 0.01]))
    client = h.client("race", latencies=latencies, fail={"race-3"})
    return _stream(sub, h, client, prompts, 0.16)


def check_completion_many(sub, h):
    # 10 prompts, latencies 25 ms apart in scrambled order, two of them failing.
    prompts = [f"step-{i:02d}" for i in range(10)]
    latencies = {p: 0.025 * (1 + (3 * i) % 10) for i, p in enumerate(prompts)}
    client = h.client("steps", latencies=latencies, fail={"step-04", "step-07"})
    return _stream(sub, h, client, prompts, 0.25)


def check_first_item_early(sub, h):
    # One call answers in 30 ms, the others 0.25 s or more: the first item
    # must arrive without waiting for them.  A stopwatch call to a second fake
    # client begins before the generator starts and is cancelled when the first
    # item arrives, so its span (measured in C) is the time to the first item.
    prompts = [f"early-{i}" for i in range(5)]
    latencies = dict(zip(prompts, [0.3, 0.35, 0.03, 0.4, 0.25]))
    client = h.client("early", latencies=latencies)
    stopwatch = h.client("first_item", latency=30.0)

    async def go():
        watch = asyncio.ensure_future(stopwatch.complete("stopwatch"))
        await asyncio.sleep(0)  # the stopwatch call has begun
        items = []
        try:
            async for item in sub.in_completion_order(client, list(prompts)):
                watch.cancel()
                items.append(item)
        finally:
            watch.cancel()
        return items

    return _run(h, "stream", go, 0.03, lambda items: [_item(i) for i in items])


def check_empty_input(sub, h):
    client = h.client("empty")

    async def go():
        gathered = await sub.gather_all(client, [])
        streamed = [item async for item in sub.in_completion_order(client, [])]
        return [gathered, streamed]

    def normalise(pair):
        return [[] if type(x) is list and not x else "?" + type(x).__name__ for x in pair]

    return _run(h, "empty", go, 0.0, normalise)
