"""ATTACK: the same task per request, created with the loop's task factory
switched off for that one call (the harness counts tasks with a factory set
on the loop in the worker: loop.set_task_factory)."""
import asyncio
import contextvars

_rid = contextvars.ContextVar("rid", default=None)


async def _bookkeeping(rid):
    return rid


def _spawn(rid):
    loop = asyncio.get_running_loop()
    factory = loop.get_task_factory()
    loop.set_task_factory(None)
    try:
        return loop.create_task(_bookkeeping(rid))
    finally:
        loop.set_task_factory(factory)


async def handle_request(rid, work):
    token = _rid.set(rid)
    try:
        t = _spawn(rid)
        result = await work()
        await t
        return result
    finally:
        _rid.reset(token)


def current_request_id():
    return _rid.get()
