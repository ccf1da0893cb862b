# BUG: concurrent requests on the same event loop each see their own id (plain module global, saved/restored)
_current = None


async def handle_request(rid, work):
    global _current
    prev = _current
    _current = rid
    try:
        return await work()
    finally:
        _current = prev


def current_request_id():
    return _current
