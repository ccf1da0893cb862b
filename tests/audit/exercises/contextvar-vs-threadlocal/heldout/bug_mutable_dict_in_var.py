# BUG: tasks created inside work keep that request's id (ContextVar holds a mutable dict shared with child tasks, mutated in place)
from contextvars import ContextVar

_ctx: ContextVar = ContextVar("ctx")


async def handle_request(rid, work):
    try:
        ctx = _ctx.get()
    except LookupError:
        ctx = {}
        _ctx.set(ctx)
    prev = ctx.get("rid")
    ctx["rid"] = rid
    try:
        return await work()
    finally:
        ctx["rid"] = prev


def current_request_id():
    try:
        return _ctx.get().get("rid")
    except LookupError:
        return None
