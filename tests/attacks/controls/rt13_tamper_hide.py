"""Correct handle_request; it also rebinds a watched standard-library function
(asyncio.sleep, wrapped) after the first request: tampering the worker
reports."""
import asyncio
import contextvars

_rid = contextvars.ContextVar("rid", default=None)
_done = []


def _rebind():
    if _done:
        return
    _done.append(1)
    real = asyncio.sleep

    async def sleep(delay, result=None):
        return await real(delay, result)

    asyncio.sleep = sleep


async def handle_request(rid, work):
    _rebind()
    tok = _rid.set(rid)
    try:
        return await work()
    finally:
        _rid.reset(tok)


def current_request_id():
    return _rid.get()
