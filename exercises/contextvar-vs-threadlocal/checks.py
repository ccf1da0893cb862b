"""Observation checks for contextvar-vs-threadlocal.

Each check_<name>(sub, h) runs requests through the submission on a fresh
event loop and returns what every piece of code saw.  The checks run in the
check runner, outside the submission's process: the event loops, tasks and
threads must all live next to the submission, so every scenario is an
`@inside` async function that h.run_async runs under asyncio.run in the
worker (one request, timed from outside; tasks counted by the worker's task
factory).  Every correct solution sees exactly the same ids, so observations
are compared with the reference's; wall times only reach rules.
"""

from pyharness.checklib import inside

RUN_TIMEOUT_S = 8.0  # a request that never finishes (deadlock) is reported, not waited for


def _tag(h, salt):
    """A prefix for request ids drawn from the grading's seed: the ids a
    hidden or timed scenario uses are unknown to the submission in advance
    (the same for the reference and the candidate)."""
    return f"{h.rng(salt).getrandbits(40):x}-"


def _run(h, label, scenario, *args, count_tasks=None):
    """Run `await scenario(*args)` on a fresh loop in the worker, measured from
    outside; a hang becomes an observation."""
    try:
        return h.run_async(label, scenario, *args, timeout=RUN_TIMEOUT_S,
                           count_tasks=count_tasks)
    except TimeoutError:  # asyncio.TimeoutError is TimeoutError
        return f"did not finish within {RUN_TIMEOUT_S:g} s"


@inside
async def outside_scenario(sub):
    seen = {"in_loop_before": sub.current_request_id()}

    async def work():
        return sub.current_request_id()

    seen["inside"] = await sub.handle_request("solo", work)
    seen["in_loop_after"] = sub.current_request_id()
    return seen


def check_outside_is_none(sub, h):
    out = {"before_any_request": sub.current_request_id()}
    out["loop"] = _run(h, "outside", outside_scenario, sub)
    out["after_run"] = sub.current_request_id()
    return out


@inside
async def single_scenario(sub):
    import asyncio

    payload = {"answer": 42}

    async def work():
        reads = [sub.current_request_id()]
        await asyncio.sleep(0)
        reads.append(sub.current_request_id())
        await asyncio.sleep(0.001)
        reads.append(sub.current_request_id())
        return reads

    async def returns_payload():
        return payload

    reads = await sub.handle_request("req-1", work)
    result = await sub.handle_request("req-2", returns_payload)
    return {"reads": reads, "result_is_works_result": result is payload}


def check_single_request(sub, h):
    return _run(h, "single", single_scenario, sub)


@inside
async def interleaved_scenario(sub, n, steps, waits):
    import asyncio

    async def request(i):
        async def work():
            reads = []
            for j in range(steps):
                reads.append(sub.current_request_id())
                # A wait the check runner answers after the drawn delay: the
                # runner counts the waits in flight, whatever the loop's clock.
                await waits.complete(f"{i}.{j}")
            reads.append(sub.current_request_id())
            return reads

        return await sub.handle_request(f"req-{i}", work)

    return await asyncio.gather(*(request(i) for i in range(n)))


def check_interleaved(sub, h):
    """300 concurrent requests, 5 reads each, separated by random waits of
    0-2 ms that the check runner answers (a fake service: its count of waits
    in flight shows whether the requests overlapped)."""
    n, steps = 300, 4
    rng = h.rng("interleaved")
    delays = [[rng.uniform(0.0, 0.002) for _ in range(steps)] for _ in range(n)]
    waits = h.client("interleaved_waits", latency=0.002, cap=n * steps,
                     latencies={f"{i}.{j}": d for i, row in enumerate(delays)
                                for j, d in enumerate(row)})

    results = _run(h, "interleaved", interleaved_scenario, sub, n, steps, waits)
    if isinstance(results, str):
        return {"problem": results}
    wrong = [[i, j, seen] for i, reads in enumerate(results) for j, seen in enumerate(reads)
             if seen != f"req-{i}"]
    return {
        "requests": len(results),
        "reads": sum(len(r) for r in results),
        "reads_of_another_id": len(wrong),
        "first_wrong_reads": wrong[:3],
        "after": sub.current_request_id(),
        "sum_of_waits_s": round(sum(map(sum, delays)), 3),
        "longest_request_waits_s": round(max(map(sum, delays)), 3),
    }


@inside
async def nested_scenario(sub):
    import asyncio

    async def level(prefix, depth, trace):
        trace.append([depth, "in", sub.current_request_id()])
        if depth < 3:
            async def deeper():
                return await level(prefix, depth + 1, trace)

            await sub.handle_request(f"{prefix}/{depth + 1}", deeper)
        await asyncio.sleep(0.001)
        trace.append([depth, "back", sub.current_request_id()])
        return depth

    async def one(prefix):
        trace = []

        async def top():
            return await level(prefix, 1, trace)

        await sub.handle_request(f"{prefix}/1", top)
        trace.append([0, "outside", sub.current_request_id()])
        return trace

    alone = await one("solo")
    many = await asyncio.gather(*(one(f"t{i}") for i in range(20)))
    return {"alone": alone, "concurrent": many}


def check_nested(sub, h):
    """Requests nested three deep, alone and in 20 concurrent tasks."""
    return _run(h, "nested", nested_scenario, sub)


@inside
async def to_thread_scenario(sub):
    import asyncio
    import time

    def blocking_read():
        time.sleep(0.005)
        return sub.current_request_id()

    async def request(i):
        async def work():
            in_thread = await asyncio.to_thread(blocking_read)
            return [in_thread, sub.current_request_id()]

        return await sub.handle_request(f"req-{i}", work)

    return await asyncio.gather(*(request(i) for i in range(20)))


def check_to_thread(sub, h):
    """20 concurrent requests each read the id inside asyncio.to_thread (blocking 5 ms there)."""
    return _run(h, "to_thread", to_thread_scenario, sub)


@inside
async def exception_scenario(sub, tag):
    import asyncio

    class Boom(Exception):
        """Raised inside work() by the check."""

    seen = {}
    err = Boom("work failed")

    async def failing():
        await asyncio.sleep(0)
        raise err

    async def outer_work():
        try:
            await sub.handle_request(tag + "inner", failing)
        except Exception as exc:  # the type and identity are the observation
            seen["inner_raised"] = [type(exc).__name__, exc is err]
        seen["outer_after_inner_failed"] = sub.current_request_id()
        return "outer done"

    seen["outer_result"] = await sub.handle_request(tag + "outer", outer_work)
    try:
        await sub.handle_request(tag + "top", failing)
    except Exception as exc:
        seen["top_raised"] = [type(exc).__name__, exc is err]
    seen["after_top_failed"] = sub.current_request_id()
    return seen


def check_exception_restores(sub, h):
    return _run(h, "exception", exception_scenario, sub, _tag(h, "exception"))


@inside
async def sequential_scenario(sub, tag):
    import asyncio

    seen = []

    async def work():
        await asyncio.sleep(0)
        return sub.current_request_id()

    for rid in (tag + "a", tag + "b", tag + "c"):
        seen.append([rid, await sub.handle_request(rid, work), sub.current_request_id()])
    return seen


def check_sequential_restore(sub, h):
    """Several requests one after another in the same task: none leaks into the next."""
    return _run(h, "sequential", sequential_scenario, sub, _tag(h, "sequential"))


@inside
async def spawned_scenario(sub, tag):
    import asyncio

    children = []

    async def child():
        await asyncio.sleep(0.005)
        return sub.current_request_id()

    async def request(i):
        async def work():
            children.append(asyncio.create_task(child()))
            return sub.current_request_id()

        return await sub.handle_request(f"{tag}req-{i}", work)

    own = await asyncio.gather(*(request(i) for i in range(10)))
    after_requests = sub.current_request_id()
    return {"own": own, "children": await asyncio.gather(*children), "after": after_requests}


def check_spawned_tasks(sub, h):
    """A task created inside a request keeps that request's id, even after the request returned."""
    return _run(h, "spawned", spawned_scenario, sub, _tag(h, "spawned"))


@inside
async def tasks_scenario(sub, tag):
    import asyncio

    current_task = asyncio.current_task

    async def call(rid):
        """One request; work() notes whether it runs in the caller's own task
        (a task made by constructing asyncio.Task directly never reaches
        the loop's task factory, but it still is another task)."""
        caller = current_task()

        async def work():
            await asyncio.sleep(0)
            return [sub.current_request_id(), current_task() is caller]

        return await sub.handle_request(rid, work)

    seen = []
    for i in range(50):
        seen.append(await call(f"{tag}seq-{i}"))
    # 10 concurrent requests: gather makes one task per coroutine (counted for
    # every solution alike); handle_request itself must add none.
    seen.extend(await asyncio.gather(*(call(f"{tag}con-{i}") for i in range(10))))
    ids = [r[0] if type(r) is list and len(r) == 2 else r for r in seen]
    elsewhere = sum(1 for r in seen if not (type(r) is list and len(r) == 2 and r[1] is True))
    return {"ids": ids, "requests_whose_work_ran_in_a_new_task": elsewhere,
            "factory_kept": asyncio.get_running_loop().get_task_factory() is not None}


def check_no_task_per_request(sub, h):
    """Requests create no tasks of their own: tasks made on the loop are counted
    by the worker's task factory (installed before the submission runs) and
    compared with the reference's count for the same scenario; work() also
    reports whether it ran in the task that called handle_request.

    The count is the worker's own report, which a submission can edit; what
    a task per request costs cannot be hidden: the CPU time of 3 x 10^4
    requests in a row whose work() never suspends (median of 5 runs, taken
    by the runner from outside) is compared with the reference's, measured
    beside it.  With nothing else on the loop, a request costs setting and
    resetting a ContextVar around a call; a task costs its creation and a
    step of the event loop, over ten times that."""
    seen = _run(h, "tasks", tasks_scenario, sub, _tag(h, "tasks"), count_tasks="tasks")

    def fresh(run):
        return (sub, _tag(h, f"tasks-{run}"), TASK_COST_REQUESTS)

    last, after, own = h.measure("per_request", task_cost_run, repeat=SPEED_REPEAT, fresh=fresh)
    if type(seen) is dict:
        seen["cost_run"] = {"last_and_after": [last, after],
                            "requests_that_saw_their_own_id": own}
    return seen


SPEED_REQUESTS = 20_000
SPEED_REPEAT = 5
TASK_COST_REQUESTS = 30_000


@inside
def task_cost_run(sub, run, requests):
    """`requests` requests one after another on a fresh event loop, ids made
    from `run`; work() returns at once, so the loop runs nothing but what
    handle_request itself schedules."""
    import asyncio

    ran = [0]  # works that ran: a request that returns its id without its work is seen

    async def scenario():
        async def work():
            ran[0] += 1
            return sub.current_request_id()

        handle = sub.handle_request
        last = None
        own = 0  # requests whose work saw their own id: no request can be skipped
        for i in range(requests):
            rid = f"c{run}-{i}"
            last = await handle(rid, work)
            own += last == rid
        return [last, sub.current_request_id(), min(own, ran[0])]

    return asyncio.run(scenario())


@inside
def speed_run(sub, run, requests):
    """`requests` requests one after another on a fresh event loop, ids made
    from `run` (a token the check drew for this run)."""
    import asyncio

    ran = [0]  # works that ran to their end: a request that skips its work is seen

    async def scenario():
        async def work():
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            ran[0] += 1
            return sub.current_request_id()

        handle = sub.handle_request
        last = None
        own = 0  # requests whose work saw their own id: no request can be skipped
        for i in range(requests):
            rid = f"r{run}-{i}"
            last = await handle(rid, work)
            own += last == rid
        return [last, sub.current_request_id(), min(own, ran[0])]

    return asyncio.run(scenario())


def check_speed(sub, h):
    """2 x 10^4 requests one after another on one event loop, each awaiting twice.

    CPU time (the code is single-threaded), median of 5 runs, each with request
    ids of its own drawn from the grading's seed."""

    def fresh(run):
        return (sub, _tag(h, f"speed-{run}"), SPEED_REQUESTS)

    last, after, own = h.measure("requests", speed_run, repeat=SPEED_REPEAT, fresh=fresh)
    return {"last_and_after": [last, after], "requests_that_saw_their_own_id": own}
