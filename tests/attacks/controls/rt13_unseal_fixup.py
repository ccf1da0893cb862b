"""WRONG: request id in a threading.local (shared by every task on the loop's thread)."""
import threading

_local = threading.local()


async def handle_request(rid, work):
    prev = getattr(_local, "rid", None)
    _local.rid = rid
    try:
        return await work()
    finally:
        _local.rid = prev


def current_request_id():
    return getattr(_local, "rid", None)
