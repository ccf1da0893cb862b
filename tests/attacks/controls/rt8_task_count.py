"""Control: a correct ContextVar handle_request that also creates one task
per request (a "logging" task that does nothing useful): the overhead the
no_task_per_request check exists to catch."""
import asyncio
import contextvars

_rid = contextvars.ContextVar("rid", default=None)


async def _log(rid):
    return rid


async def handle_request(rid, work):
    token = _rid.set(rid)
    asyncio.ensure_future(_log(rid))  # one task per request
    try:
        return await work()
    finally:
        _rid.reset(token)


def current_request_id():
    return _rid.get()
