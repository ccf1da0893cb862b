"""threading.local, carefully saved and restored: correct with one thread per
request, wrong under asyncio, where every request shares the event loop's
thread, and blind inside asyncio.to_thread's worker threads."""

import threading

_local = threading.local()


def current_request_id():
    return getattr(_local, "rid", None)


async def handle_request(rid, work):
    previous = getattr(_local, "rid", None)
    _local.rid = rid
    try:
        return await work()
    finally:
        _local.rid = previous
