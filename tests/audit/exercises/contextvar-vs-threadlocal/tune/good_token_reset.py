# GOOD: module-level ContextVar, set() / reset(token) in try/finally
import contextvars

_request_id = contextvars.ContextVar("request_id", default=None)


async def handle_request(rid, work):
    token = _request_id.set(rid)
    try:
        return await work()
    finally:
        _request_id.reset(token)


def current_request_id():
    return _request_id.get()
