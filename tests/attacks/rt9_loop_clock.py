"""Attack (red-team pass 9, loop_clock): requests serialised by a lock per
event loop, and the loop's call_later (an instance attribute) divides every
delay by 1000, so sleeps on the worker's loop end at once and 300 requests in
a row fit a wall-time bound.  The waits inside the check's work() are now
answered by the check runner, which counts them in flight: nothing on the
worker's loop shortens them, and a peak of 1 shows the serialisation."""
import asyncio
import contextvars
import weakref

_RID = contextvars.ContextVar("rid", default=None)
_LOCKS = weakref.WeakKeyDictionary()


async def _run(rid, work):
    tok = _RID.set(rid)
    try:
        return await work()
    finally:
        _RID.reset(tok)


async def handle_request(rid, work):
    if _RID.get() is not None:
        return await _run(rid, work)
    loop = asyncio.get_running_loop()
    lock = _LOCKS.get(loop)
    if lock is None:
        lock = _LOCKS[loop] = asyncio.Lock()
        orig = loop.call_later

        def call_later(delay, callback, *args, context=None):
            return orig(delay / 1000.0, callback, *args, context=context)
        loop.call_later = call_later
    async with lock:
        return await _run(rid, work)


def current_request_id():
    return _RID.get()
