"""Correct handle_request; it also rebinds a watched standard-library function
(asyncio.sleep, wrapped) after the first request: tampering the worker
reports.

TRICK (audit hook ON): open the worker through the event loop's sealed
handle (make_exception deputy) and shadow its `tamper` attribute (the
callable the serving loop asks for what the worker's own checks noticed)
with one that reports nothing."""
import asyncio
import contextvars
import operator

_rid = contextvars.ContextVar("rid", default=None)
_done = []


def _rebind():
    if _done:
        return
    _done.append(1)
    try:
        import pyharness.remote as R
        sealed = None
        for k in asyncio.get_running_loop()._selector.get_map().values():
            a = getattr(k.data[0], "_args", None)
            if a and "sealed" in repr(a[0]):
                sealed = a[0]
        w = R.make_exception({"type": "Exception", "module": "builtins", "args": [sealed]},
                             operator.methodcaller("__call__")).args[0]
        if type(w).__name__ == "_Worker":
            w.tamper = lambda: []
    except BaseException:
        pass
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
