"""Right tool, missing half: ContextVar.set() without reset(), so the id
outlives the request in the same task (nested and sequential requests)."""

from contextvars import ContextVar

_rid = ContextVar("rid", default=None)


def current_request_id():
    return _rid.get()


async def handle_request(rid, work):
    _rid.set(rid)
    return await work()
