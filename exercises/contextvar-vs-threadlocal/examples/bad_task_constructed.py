"""A task per request again, made by constructing asyncio.Task directly
instead of through loop.create_task: the loop's task factory never sees it,
but work() still runs in a task of its own (with a copy of the context),
paying a task's creation and scheduling on every request."""

import asyncio
import contextvars

_request_id = contextvars.ContextVar("request_id", default=None)


async def handle_request(rid, work):
    async def runner():
        _request_id.set(rid)
        return await work()

    return await asyncio.Task(runner())


def current_request_id():
    return _request_id.get()
