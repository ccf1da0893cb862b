"""Request-scoped state in asyncio: ContextVar versus threading.local.

An async web service handles hundreds of requests at once on ONE thread.
Log lines, traces and downstream calls need the id of the request they
belong to, without passing it through every function.
"""


async def handle_request(rid, work):
    """Run `await work()` with `rid` as the current request id and return its result.

    - While work runs (including across every await inside it), code of this
      request sees current_request_id() == rid, even when hundreds of other
      requests run concurrently on the same event loop and thread.
    - Afterwards, however work ended (returned or raised; an exception
      propagates unchanged), the previous value is back: None at top level,
      the outer id when requests are nested.
    - asyncio.to_thread(...) calls and tasks created inside work
      (asyncio.create_task) see the id of the request that started them.
    - Overhead per request must stay small: do not create a task per request.
    """
    raise NotImplementedError


def current_request_id():
    """The id of the request the calling code belongs to, or None outside any request."""
    raise NotImplementedError
