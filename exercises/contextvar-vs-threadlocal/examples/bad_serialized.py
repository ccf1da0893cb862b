"""Makes a plain global safe by letting only one request run at a time (a
lock, re-entrant for nested requests of the same task).  Every id is right,
but concurrency is gone: hundreds of requests now take the sum of their
waits instead of the longest one."""

import asyncio
import weakref

_current = None
_owner = None
_locks = weakref.WeakKeyDictionary()  # one lock per event loop


def current_request_id():
    return _current


async def handle_request(rid, work):
    global _current, _owner
    lock = _locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    me = asyncio.current_task()
    if _owner is me:  # nested request in the task that holds the lock
        previous, _current = _current, rid
        try:
            return await work()
        finally:
            _current = previous
    async with lock:
        _owner = me
        previous, _current = _current, rid
        try:
            return await work()
        finally:
            _current = previous
            _owner = None
