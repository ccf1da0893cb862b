# GOOD: ContextVar wrapped in a reusable @contextmanager (request_scope), used by handle_request
import contextvars
from contextlib import contextmanager

_rid: contextvars.ContextVar = contextvars.ContextVar("rid")


@contextmanager
def request_scope(rid):
    token = _rid.set(rid)
    try:
        yield
    finally:
        _rid.reset(token)


async def handle_request(rid, work):
    with request_scope(rid):
        return await work()


def current_request_id():
    return _rid.get(None)
