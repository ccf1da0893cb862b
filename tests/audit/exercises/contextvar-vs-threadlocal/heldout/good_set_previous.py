# GOOD: ContextVar, restore by setting the previously read value (no token)
from contextvars import ContextVar

_current = ContextVar("current_request_id", default=None)


async def handle_request(rid, work):
    previous = _current.get()
    _current.set(rid)
    try:
        return await work()
    finally:
        _current.set(previous)


def current_request_id():
    return _current.get()
