# BUG: an exception from work propagates unchanged (logs and returns None instead)
from contextvars import ContextVar

_rid = ContextVar("rid", default=None)


async def handle_request(rid, work):
    token = _rid.set(rid)
    try:
        return await work()
    except Exception as exc:  # "a failing request must not kill the server"
        print(f"request {rid} failed: {exc!r}")
        return None
    finally:
        _rid.reset(token)


def current_request_id():
    return _rid.get()
