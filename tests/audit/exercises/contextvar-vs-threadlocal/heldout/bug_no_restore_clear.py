# BUG: nested requests restore the outer id (resets to None instead of the previous value)
from contextvars import ContextVar

_rid = ContextVar("rid", default=None)


async def handle_request(rid, work):
    _rid.set(rid)
    try:
        return await work()
    finally:
        _rid.set(None)


def current_request_id():
    return _rid.get()
