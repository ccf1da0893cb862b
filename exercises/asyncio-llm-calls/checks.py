"""Observation checks for asyncio-llm-calls.

The checks run in the check runner, outside the submission's process.  Each
builds a fake LLM service (h.client): passed to fetch_all it becomes a client
in the worker whose every `await client.complete(prompt)` is answered by the
runner, which keeps the counters (calls, peak in flight, rejected 429s, span
from the first call to the last completion, mean calls in flight) on its own
clock.  h.run_async runs `await sub.fetch_all(client, prompts, limit)` under
asyncio.run in the worker as one request, timed from the runner; every run
is monitored: the runner looks at the loop's thread in /proc every 2 ms
(asleep outside the loop's wait for I/O is a blocking call) and pings the
worker's event loop every 5 ms.  The grade's
timing and concurrency rules in exercise.json read only those figures; the
observation holds nothing timing-dependent, so it is the same for every
correct solution.

Exceptions raised by fetch_all (a 429 from going over the server's cap, a
timeout) are observed by type name: they show up as a wrong result.
"""

from pyharness.checklib import exception_name as _name
from pyharness.checklib import observable as _observable
from pyharness.remote import Remote

RUN_TIMEOUT_S = 8.0  # a hung fetch_all becomes an observed TimeoutError, not a killed run


def _type_name(value):
    """The type's name; for an object left in the worker, its worker-side type."""
    if type(value) is Remote:
        return object.__getattribute__(value, "_tp")
    return type(value).__name__


def _plain(results):
    """The result as plain data: a list of answers; anything unexpected by its type name."""
    if type(results) is not list:
        return "?" + _type_name(results)
    return [r if type(r) is str else "?" + _type_name(r) for r in results]


def _prompts(h, n, tag):
    """n prompts under a token drawn from the grading's seed: unknown to the
    submission in advance, the same for the reference and the candidate.
    The tag only salts the draw: a prompt's text does not say which check
    sent it."""
    token = f"{h.rng(tag).getrandbits(40):010x}"
    return [f"p{token}-{i:03d}" for i in range(n)]


# The shapes of the other checks' runs (prompts, limit, latency, server cap):
# nonblocking's first run takes one of them, drawn per grading, so that a
# fetch_all that blocks in some shape and not in others cannot know which
# shape nonblocking watches (red team 10's name_switch); no shape is its own.
SHAPES = ((12, 4, 0.05, 12), (16, 4, 0.05, 16), (40, 8, 0.03, 16), (24, 4, 0.02, 8),
          (6, 1, 0.02, 2), (100, 25, 0.01, 50), (5, 50, 0.05, 100))


def _fetch(sub, h, label, client, prompts, limit, ideal_s, monitor):
    """Run fetch_all; observe its result (or the exception's type) and the ideal time for reports.

    Every run is watched (`monitor`): the runner looks at the loop's thread
    from outside every 2 ms, and a look that finds it asleep outside the
    loop's wait for I/O (a blocking call) counts in `monitor.<name>_asleep`,
    which every check bounds by the reference's.  No shape of input is safe
    to block in."""
    ideal_ns = round(ideal_s * 1e9)
    try:
        # The monitor's first beat is on the runner's clock before the request
        # goes out: a stall before fetch_all's first await shows as a gap too.
        results = h.run_async(label, sub.fetch_all, client, list(prompts), limit,
                              monitor=monitor, timeout=RUN_TIMEOUT_S)
    except Exception as exc:
        if not _observable(exc):
            raise
        return {"raised": _name(exc), "results": None, "ideal_ns": ideal_ns}
    return {"raised": None, "results": _plain(results), "ideal_ns": ideal_ns}


def check_results_in_order(sub, h):
    # Later prompts answer sooner: completion order is (nearly) the reverse of input order.
    prompts = _prompts(h, 12, "order")
    latencies = {p: 0.01 * (12 - i) for i, p in enumerate(prompts)}
    client = h.client("order", latency=0.05, cap=12, latencies=latencies)
    return _fetch(sub, h, "fetch", client, prompts, 4, 0.21, monitor="order")


def check_peak_within_limit(sub, h):
    # The server would accept all 16 at once: only the candidate's own limit keeps it at 4.
    prompts = _prompts(h, 16, "peak")
    client = h.client("peak", latency=0.05, cap=16)
    return _fetch(sub, h, "fetch", client, prompts, 4, 0.20, monitor="peak")


def check_nonblocking(sub, h):
    # The runner pings the loop every 5 ms while fetch_all runs; a blocking call
    # shows as a long gap between answers (and in the worker's blocked count).
    n, limit, latency, cap = h.rng("loop-shape").choice(SHAPES)
    prompts = _prompts(h, n, "loop")
    client = h.client("loop", latency=latency, cap=cap)
    obs = _fetch(sub, h, "fetch", client, prompts, limit, -(-n // limit) * latency,
                 monitor="loop")
    # Then a burst, twice: 150 calls at once, so 150 tasks start in one turn
    # of the loop and their answers wake them in one turn too.  A blocking
    # call of even 1 ms per call then stalls the loop for 150 ms or more in
    # every span, a gap the runner sees from outside (the blocked count is the
    # worker's own report; this figure is not).  The bounds are relative to
    # the reference's own stalls in the same spans, measured beside the
    # candidate, and a stall fails only when a second span stalls too: a
    # correct solution on a loaded machine, whose worker waits for a core now
    # and then, is rarely held up in both.
    for label in ("burst", "burst2"):
        burst = _prompts(h, 150, label)
        client = h.client(label, latency=0.02, cap=150)
        obs[label] = _fetch(sub, h, label, client, burst, 150, 0.02, monitor=label)
    return obs


def check_wall_time(sub, h):
    # 40 calls of 30 ms, 8 at a time: 5 rounds, ideally 0.15 s.
    prompts = _prompts(h, 40, "wall")
    client = h.client("wall", latency=0.03, cap=16)
    return _fetch(sub, h, "fetch", client, prompts, 8, 0.15, monitor="wall")


def check_keeps_limit_busy(sub, h):
    # One slow call (120 ms) in every group of four fast ones (20 ms).  Starting the
    # next prompt as soon as any call ends keeps 4 in flight (about 0.30 s);
    # waiting for a whole group of 4 before starting the next takes 0.72 s.
    prompts = _prompts(h, 24, "busy")
    latencies = {p: (0.12 if i % 4 == 0 else 0.02) for i, p in enumerate(prompts)}
    client = h.client("busy", latency=0.02, cap=8, latencies=latencies)
    return _fetch(sub, h, "fetch", client, prompts, 4, 0.30, monitor="busy")


def check_limit_one(sub, h):
    prompts = _prompts(h, 6, "one")
    client = h.client("one", latency=0.02, cap=2)
    return _fetch(sub, h, "fetch", client, prompts, 1, 0.12, monitor="one")


def check_empty_input(sub, h):
    client = h.client("empty", latency=0.02, cap=6)
    return _fetch(sub, h, "fetch", client, [], 3, 0.0, monitor="empty")


def check_many_prompts(sub, h):
    # 100 calls of 10 ms, 25 at a time: 4 rounds, ideally 0.04 s.
    prompts = _prompts(h, 100, "many")
    client = h.client("many", latency=0.01, cap=50)
    return _fetch(sub, h, "fetch", client, prompts, 25, 0.04, monitor="many")


def check_limit_above_count(sub, h):
    # A limit larger than the batch: all 5 calls at once.
    prompts = _prompts(h, 5, "few")
    client = h.client("few", latency=0.05, cap=100)
    return _fetch(sub, h, "fetch", client, prompts, 50, 0.05, monitor="few")
