# GOOD: a small RequestContext class owning the ContextVar, used as an async-with-free sync context manager
from contextvars import ContextVar


class RequestContext:
    _var: ContextVar = ContextVar("request_id", default=None)
    __slots__ = ("rid", "_token")

    def __init__(self, rid):
        self.rid = rid
        self._token = None

    def __enter__(self):
        self._token = self._var.set(self.rid)
        return self

    def __exit__(self, exc_type, exc, tb):
        self._var.reset(self._token)
        return False

    @classmethod
    def current(cls):
        return cls._var.get()


async def handle_request(rid, work):
    with RequestContext(rid):
        return await work()


def current_request_id():
    return RequestContext.current()
