# BUG: the previous value is back however work ended, also when it raised (reset only on success)
import contextvars

_request_id = contextvars.ContextVar("request_id", default=None)


async def handle_request(rid, work):
    token = _request_id.set(rid)
    result = await work()
    _request_id.reset(token)
    return result


def current_request_id():
    return _request_id.get()
