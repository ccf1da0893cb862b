"""Observation checks for gather-vs-as-completed.

The checks run in the check runner, outside the submission's process.  Each
builds a fake LLM service with a latency per prompt (h.client): passed to
the submission it becomes a client in the worker whose every call is
answered by the runner, which keeps the counters (calls, peak in flight,
span from the first call to the last completion) on its own clock.
h.run_async runs the submission's coroutine function, or an @inside one
that drives the async generator, under asyncio.run in the worker as one
request, timed from the runner.  Observations hold only what came back,
with exceptions reduced to their type name, so they are the same for every
correct solution; rules in exercise.json read the runner's figures for
concurrency and timing.  Completion order is observable because the
latencies differ by at least 25 ms.
"""

from pyharness.checklib import exception_name as _name
from pyharness.checklib import inside
from pyharness.checklib import observable as _observable
from pyharness.remote import Remote

RUN_TIMEOUT_S = 8.0  # a hung coroutine becomes an observed TimeoutError, not a killed run


@inside
async def stream_all(sub, client, prompts):
    """Drain in_completion_order next to the submission: every item, in the order given."""
    return [item async for item in sub.in_completion_order(client, prompts)]


@inside
async def empty_both(sub, client):
    gathered = await sub.gather_all(client, [])
    streamed = [item async for item in sub.in_completion_order(client, [])]
    return [gathered, streamed]


def _type_name(value):
    """The type's name; for an object left in the worker, its worker-side type."""
    if type(value) is Remote:
        return object.__getattribute__(value, "_tp")
    return type(value).__name__


def _outcome(value):
    """An answer as itself; an exception as '!' + its type name; anything else flagged."""
    if type(value) is str:
        return value
    if isinstance(value, BaseException):
        return "!" + type(value).__name__
    return "?" + _type_name(value)


def _item(item):
    if type(item) is tuple and len(item) == 2 and type(item[0]) is int:
        return [item[0], _outcome(item[1])]
    return "?" + _type_name(item)


def _run(h, label, fn, args, ideal_s, normalise, monitor=None):
    """Run `await fn(*args)` through h.run_async; observe its normalised result
    or the exception's type."""
    obs = {"raised": None, "results": None, "ideal_ns": round(ideal_s * 1e9)}
    try:
        value = h.run_async(label, fn, *args, timeout=RUN_TIMEOUT_S, monitor=monitor)
    except Exception as exc:
        if not _observable(exc):
            raise
        obs["raised"] = _name(exc)
        return obs
    obs["results"] = normalise(value)
    return obs


def _gather_list(value):
    if type(value) is not list:
        return "?" + _type_name(value)
    return [_outcome(v) for v in value]


def _items(items):
    if type(items) is not list:
        return "?" + _type_name(items)
    return [_item(i) for i in items]


def _gather(sub, h, client, prompts, ideal_s):
    return _run(h, "gather", sub.gather_all, (client, list(prompts)), ideal_s, _gather_list)


# Two answers that reach the worker together (a stall of its event loop on a
# busy machine) are both done when the loop wakes: a correct loop over
# asyncio.wait(FIRST_COMPLETED) then yields them in whatever order it takes
# from the done set.  So the items are observed in completion order, and how
# far out of it they came is a figure beside them (`inversion_ns`: the largest
# latency gap between an item and a faster one yielded after it), judged by a
# rule against the longest stall of the worker's event loop that the runner
# saw from outside during the span (`monitor.loop_waits.max_gap_ns`: the loop's
# thread not asleep in its selector).  Up to ORDER_SLACK_S is always excused;
# beyond it, only a stall at least that long explains it.  Awaiting the tasks
# in prompt order holds item 0 (100 ms) behind item 5 (10 ms) while the loop
# sleeps in its selector: 90 ms out of order with no stall, which fails.
ORDER_SLACK_S = 0.075


def _in_order(latencies, prompts):
    """Normalise a drained stream: the items in completion order (the
    reference's) and how far out of it they came, or, when they are not
    (index, outcome) items of these prompts, the items as they came."""

    def normalise(items):
        seen = _items(items)
        if type(seen) is not list or any(type(i) is not list or not 0 <= i[0] < len(prompts)
                                         for i in seen):
            return {"items": seen, "inversion_ns": 0}
        lat = [latencies[prompts[i[0]]] for i in seen]
        worst = 0.0
        for a in range(len(lat)):
            for b in range(a + 1, len(lat)):
                worst = max(worst, lat[a] - lat[b])
        return {"items": sorted(seen, key=lambda i: latencies[prompts[i[0]]]),
                "inversion_ns": round(worst * 1e9)}

    return normalise


def _stream(sub, h, client, prompts, ideal_s, latencies):
    obs = _run(h, "stream", stream_all, (sub, client, list(prompts)), ideal_s,
               _in_order(latencies, list(prompts)), monitor="loop")
    # The figure beside the items, not compared: the rules judge it.
    results = obs["results"]
    obs["inversion_ns"] = results.pop("inversion_ns") if type(results) is dict else 0
    if type(results) is dict:
        obs["results"] = results["items"]
    return obs


def _drawn(h, salt, stem, n):
    """n distinct prompts and a random.Random, both from the grading's seed:
    the prompts, and which of them is slow, fast or failing, are unknown to
    the submission in advance (the same for the reference and the candidate)."""
    rng = h.rng(salt)
    prompts = []
    while len(prompts) < n:
        p = f"{stem}-{rng.getrandbits(32):08x}"
        if p not in prompts:
            prompts.append(p)
    return prompts, rng


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
    prompts, rng = _drawn(h, "gather_concurrent", "conc", 20)
    waits = [0.02 + 0.005 * i for i in range(20)]
    rng.shuffle(waits)
    latencies = dict(zip(prompts, waits))
    client = h.client("conc", latencies=latencies)
    return _gather(sub, h, client, prompts, 0.115)


def check_gather_many(sub, h):
    # 100 calls of 200 ms, every 17th fails.  The runner's service ends each
    # call on its own clock, whether or not the worker has sent the rest: the
    # latency must outlast the worker's time to send 100 requests on a busy
    # machine (about 25 ms seen at load 10; at load 20, with 50 ms, a correct
    # gather_all showed 65-95 in flight), or a correct gather_all shows fewer
    # than 100 in flight.
    prompts, rng = _drawn(h, "gather_many", "many", 100)
    client = h.client("many", latency=0.2, fail=set(rng.sample(prompts, 6)))
    return _gather(sub, h, client, prompts, 0.2)


def check_completion_order(sub, h):
    # Fastest first: 5, 1, 3 (fails), 0, 4, 2.
    prompts = [f"race-{i}" for i in range(6)]
    latencies = dict(zip(prompts, [0.10, 0.04, 0.16, 0.07, 0.13, 0.01]))
    client = h.client("race", latencies=latencies, fail={"race-3"})
    return _stream(sub, h, client, prompts, 0.16, latencies)


def check_completion_many(sub, h):
    # 10 prompts, latencies 25 ms apart in scrambled order, two of them failing.
    prompts, rng = _drawn(h, "completion_many", "step", 10)
    waits = [0.025 * (1 + i) for i in range(10)]
    rng.shuffle(waits)
    latencies = dict(zip(prompts, waits))
    client = h.client("steps", latencies=latencies, fail=set(rng.sample(prompts, 2)))
    return _stream(sub, h, client, prompts, 0.25, latencies)


def check_first_item_early(sub, h):
    # One call answers in 30 ms, the others 0.25 s or more: the first item
    # must arrive without waiting for them.  The runner drives the iteration
    # itself, one request per item (h.iterate_async), so the time to the first
    # item is on its own clock: nothing the worker says or skips can shorten it.
    # Which prompt is the fast one is drawn from the grading's seed.
    prompts, rng = _drawn(h, "first_item_early", "early", 5)
    waits = [0.3, 0.35, 0.03, 0.4, 0.25]
    rng.shuffle(waits)
    latencies = dict(zip(prompts, waits))
    client = h.client("early", latencies=latencies)
    obs = {"raised": None, "results": None, "ideal_ns": round(0.03 * 1e9), "first_item_ns": None}
    try:
        items, times = h.iterate_async(sub.in_completion_order, client, prompts,
                                       timeout=RUN_TIMEOUT_S)
    except Exception as exc:
        if not _observable(exc):
            raise
        obs["raised"] = _name(exc)
        return obs
    # No loop monitor here (the runner drives the iteration itself): items
    # out of completion order by at most ORDER_SLACK_S count as in order.
    seen = _in_order(latencies, prompts)(items)
    obs["results"] = seen["items"] if seen["inversion_ns"] <= ORDER_SLACK_S * 1e9 else _items(items)
    obs["first_item_ns"] = times[0] if times else None
    return obs


def check_empty_input(sub, h):
    client = h.client("empty")

    def normalise(pair):
        return [[] if type(x) is list and not x else "?" + _type_name(x) for x in pair]

    return _run(h, "empty", empty_both, (sub, client), 0.0, normalise)
