# GOOD: ContextVar holding an immutable tuple stack of ids (push/pop by token), top is the current id
from contextvars import ContextVar

_stack: ContextVar = ContextVar("request_stack", default=())


async def handle_request(rid, work):
    token = _stack.set(_stack.get() + (rid,))
    try:
        return await work()
    finally:
        _stack.reset(token)


def current_request_id():
    s = _stack.get()
    return s[-1] if s else None
