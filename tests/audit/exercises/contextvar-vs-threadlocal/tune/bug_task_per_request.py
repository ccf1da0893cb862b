# BUG: do not create a task per request (runs work in a new task with its own copied context)
import asyncio
import contextvars

_request_id = contextvars.ContextVar("request_id", default=None)


async def handle_request(rid, work):
    async def runner():
        _request_id.set(rid)
        return await work()

    return await asyncio.create_task(runner())


def current_request_id():
    return _request_id.get()
