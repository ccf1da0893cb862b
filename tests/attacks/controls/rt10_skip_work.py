# CONTROL: a correct handle_request with a costly per-request step (an audit
# trail rebuilt in pure Python on every request): slow in CPU time.
import contextvars

_rid = contextvars.ContextVar("rid", default=None)


def _audit(rid):
    h = 0
    for ch in str(rid) * 40:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h


async def handle_request(rid, work):
    _audit(rid)
    token = _rid.set(rid)
    try:
        return await work()
    finally:
        _rid.reset(token)


def current_request_id():
    return _rid.get()
