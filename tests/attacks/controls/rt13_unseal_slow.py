"""Correct handle_request, but slow: pointless work on every request."""
import contextvars

_rid = contextvars.ContextVar("rid", default=None)


def _waste():
    s = 0
    for i in range(1500):
        s += i
    return s


async def handle_request(rid, work):
    _waste()
    tok = _rid.set(rid)
    try:
        return await work()
    finally:
        _rid.reset(tok)


def current_request_id():
    return _rid.get()
