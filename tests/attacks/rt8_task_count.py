"""Attack: the same task-per-request handle_request; after making its task it
takes one off the harness's count.  The counter is a closure the worker puts
on asyncio's task registry (`_all_tasks.add`); its cell holds the very dict
the worker reports as `counts["tasks"]`.  The registry's `add` stays the
harness's function, so the check that it was not removed passes."""
import asyncio
import asyncio.tasks
import contextvars

_rid = contextvars.ContextVar("rid", default=None)


async def _log(rid):
    return rid


def _uncount():
    add = getattr(asyncio.tasks._all_tasks, "add", None)
    for cell in getattr(add, "__closure__", None) or ():
        v = cell.cell_contents
        if type(v) is dict and "tasks" in v:
            v["tasks"] -= 1


async def handle_request(rid, work):
    token = _rid.set(rid)
    asyncio.ensure_future(_log(rid))  # one task per request
    _uncount()
    try:
        return await work()
    finally:
        _rid.reset(token)


def current_request_id():
    return _rid.get()
