"""Model solution for contextvar-vs-threadlocal (the answer key: never shown to candidates)."""

import contextvars

_request_id = contextvars.ContextVar("request_id", default=None)


def current_request_id():
    return _request_id.get()


async def handle_request(rid, work):
    token = _request_id.set(rid)  # visible in this task's context only
    try:
        return await work()
    finally:
        _request_id.reset(token)  # back to exactly what was there before
