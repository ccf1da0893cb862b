"""Control: requests are serialised by a lock per event loop (top level only):
correct ids, but 300 "concurrent" requests run one after another."""
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
    async with lock:
        return await _run(rid, work)


def current_request_id():
    return _RID.get()
