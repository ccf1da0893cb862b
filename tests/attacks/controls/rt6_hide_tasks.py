"""CONTROL: a correct ContextVar solution that also creates a (useless) task
per request: a bookkeeping task the statement forbids."""
import asyncio
import contextvars

_rid = contextvars.ContextVar("rid", default=None)


async def _bookkeeping(rid):
    return rid


def _spawn(rid):
    return asyncio.get_running_loop().create_task(_bookkeeping(rid))


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
