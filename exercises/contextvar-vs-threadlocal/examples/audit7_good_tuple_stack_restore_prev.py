# GOOD: ContextVar holding an immutable tuple stack of ids; restores the previous stack explicitly
from contextvars import ContextVar

_stack: ContextVar = ContextVar("request_stack", default=())


async def handle_request(rid, work):
    previous = _stack.get()
    _stack.set(previous + (rid,))
    try:
        return await work()
    finally:
        _stack.set(previous)


def current_request_id():
    stack = _stack.get()
    return stack[-1] if stack else None
