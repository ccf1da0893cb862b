"""Observation checks for asyncio-llm-calls.

Each check builds a fake LLM client (its counters live in C: calls, peak in
flight, rejected 429s, span from first call to last completion, mean calls in
flight), runs the submission's fetch_all through h.run_async (timed in C) and
returns what came back.  The grade's timing and concurrency rules in
exercise.json read only those C figures; the observation holds nothing
timing-dependent, so it is the same for every correct solution.

Exceptions raised by fetch_all (a 429 from going over the server's cap, a
timeout) are observed by type name: they show up as a wrong result.
"""

import asyncio

from pyharness.checklib import exception_name as _name
from pyharness.checklib import observable as _observable

RUN_TIMEOUT_S = 8.0  # a hung fetch_all becomes an observed TimeoutError, not a killed run


def _plain(results):
    """The result as plain data: a list of answers; anything unexpected by its type name."""
    if type(results) is not list:
        return "?" + type(results).__name__
    return [r if type(r) is str else "?" + type(r).__name__ for r in results]


def _prompts(n, tag):
    return [f"{tag}-{i:03d}" for i in range(n)]


def _fetch(sub, h, label, client, prompts, limit, ideal_s, monitor=None):
    """Run fetch_all; observe its result (or the exception's type) and the ideal time for reports."""
    ideal_ns = round(ideal_s * 1e9)

    async def go():
        # One yield first, so the loop monitor's first heartbeat is on the
        # clock before the submission can block the loop.
        await asyncio.sleep(0)
        return await sub.fetch_all(client, list(prompts), limit)

    try:
        results = h.run_async(label, go, monitor=monitor, timeout=RUN_TIMEOUT_S)
    except Exception as exc:
        if not _observable(exc):
            raise
        return {"raised": _name(exc), "results": None, "ideal_ns": ideal_ns}
    return {"raised": None, "results": _plain(results), "ideal_ns": ideal_ns}


def check_results_in_order(sub, h):
    # Later prompts answer sooner: completion order is (nearly) the reverse of input order.
    prompts = _prompts(12, "order")
    latencies = {p: 0.01 * (12 - i) for i, p in enumerate(prompts)}
    client = h.client("order", latency=0.05, cap=12, latencies=latencies)
    return _fetch(sub, h, "fetch", client, prompts, 4, 0.21)


def check_peak_within_limit(sub, h):
    # The server would accept all 16 at once: only the candidate's own limit keeps it at 4.
    prompts = _prompts(16, "peak")
    client = h.client("peak", latency=0.05, cap=16)
    return _fetch(sub, h, "fetch", client, prompts, 4, 0.20)


def check_nonblocking(sub, h):
    # A 5 ms heartbeat runs beside fetch_all; a blocking call shows as a long gap.
    prompts = _prompts(20, "loop")
    client = h.client("loop", latency=0.04, cap=10)
    return _fetch(sub, h, "fetch", client, prompts, 5, 0.16, monitor="loop")


def check_wall_time(sub, h):
    # 40 calls of 30 ms, 8 at a time: 5 rounds, ideally 0.15 s.
    prompts = _prompts(40, "wall")
    client = h.client("wall", latency=0.03, cap=16)
    return _fetch(sub, h, "fetch", client, prompts, 8, 0.15)


def check_keeps_limit_busy(sub, h):
    # One slow call (120 ms) in every group of four fast ones (20 ms).  Starting the
    # next prompt as soon as any call ends keeps 4 in flight (about 0.30 s);
    # waiting for a whole group of 4 before starting the next takes 0.72 s.
    prompts = _prompts(24, "busy")
    latencies = {p: (0.12 if i % 4 == 0 else 0.02) for i, p in enumerate(prompts)}
    client = h.client("busy", latency=0.02, cap=8, latencies=latencies)
    return _fetch(sub, h, "fetch", client, prompts, 4, 0.30)


def check_limit_one(sub, h):
    prompts = _prompts(6, "one")
    client = h.client("one", latency=0.02, cap=2)
    return _fetch(sub, h, "fetch", client, prompts, 1, 0.12)


def check_empty_input(sub, h):
    client = h.client("empty", latency=0.02, cap=6)
    return _fetch(sub, h, "fetch", client, [], 3, 0.0)


def check_many_prompts(sub, h):
    # 100 calls of 10 ms, 25 at a time: 4 rounds, ideally 0.04 s.
    prompts = _prompts(100, "many")
    client = h.client("many", latency=0.01, cap=50)
    return _fetch(sub, h, "fetch", client, prompts, 25, 0.04)


def check_limit_above_count(sub, h):
    # A limit larger than the batch: all 5 calls at once.
    prompts = _prompts(5, "few")
    client = h.client("few", latency=0.05, cap=100)
    return _fetch(sub, h, "fetch", client, prompts, 50, 0.05)
