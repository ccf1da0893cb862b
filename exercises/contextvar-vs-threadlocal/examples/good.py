"""Correct, written differently from the reference: the ContextVar holds a
tuple stack of ids (immutable, so no context ever shares a mutable object),
and the previous value is put back explicitly instead of with a Token."""

from contextvars import ContextVar

_stack: ContextVar[tuple] = ContextVar("request_stack", default=())


def current_request_id():
    stack = _stack.get()
    return stack[-1] if stack else None


async def handle_request(rid, work):
    previous = _stack.get()
    _stack.set(previous + (rid,))
    try:
        result = await work()
    finally:
        _stack.set(previous)
    return result
