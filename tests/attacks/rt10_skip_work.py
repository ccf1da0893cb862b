# ATTACK (a): the control's slow handle_request, except for the timed
# requests.  The worker sees the qualified name of each check's `work`
# (`speed_run.<locals>.scenario.<locals>.work`, `task_cost_run...`) and those
# works return the request id they read: for them handle_request returns the
# id without its costly step and without awaiting work at all.  The speed
# check (CPU of 2 x 10^4 requests) never learns that work did not run.
import contextvars

_rid = contextvars.ContextVar("rid", default=None)
_TIMED = ("speed_run.", "task_cost_run.")


def _audit(rid):
    h = 0
    for ch in str(rid) * 40:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h


async def handle_request(rid, work):
    if getattr(work, "__qualname__", "").startswith(_TIMED):
        return rid
    _audit(rid)
    token = _rid.set(rid)
    try:
        return await work()
    finally:
        _rid.reset(token)


def current_request_id():
    return _rid.get()
