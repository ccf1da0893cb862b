"""ATTACK: the same late in_completion_order.  The first-item check times the
span of a second fake client (the "stopwatch": one call before iterating,
one when the first item arrives).  The submission finds that client in the
worker's _Worker.clients (through caller frames' f_locals, audit hook on),
calls it itself at once, then points the client's `_w` slot at a fake worker
whose send() answers locally: the harness's own "first item" call never
reaches the runner, so the span ends when the submission chose."""
import asyncio


class _Wire:
    def __init__(self, futures):
        self.futures = futures

    def send(self, msg):
        fut = self.futures.pop(msg.get("id"), None)
        if fut is not None and not fut.done():
            fut.set_result({"ok": "completion<first item>"})


class _FakeWorker:
    def __init__(self, real):
        self.futures = {}
        self.call_seq = 10**6
        self.wire = _Wire(self.futures)
        self._real = real

    def attach(self, loop):
        pass


def _worker():
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        f = e.__traceback__.tb_frame
    while f is not None:
        slf = f.f_locals.get("self")
        if type(slf).__name__ == "_Worker":
            return slf
        f = f.f_back
    return None


async def _stop_the_watch():
    w = _worker()
    if w is None:
        return
    for c in list(w.clients.values()):
        if c.name == "first_item" and type(c._w).__name__ == "_Worker":
            await c.complete("first item")   # the real call: the span ends now
            c._w = _FakeWorker(c._w)           # the harness's call stays local


async def gather_all(client, prompts):
    return list(await asyncio.gather(*(client.complete(p) for p in prompts),
                                     return_exceptions=True))


async def in_completion_order(client, prompts):
    await _stop_the_watch()
    order = []

    async def one(i, p):
        try:
            r = await client.complete(p)
        except Exception as e:
            r = e
        order.append((i, r))

    await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts)))
    for item in order:
        yield item
