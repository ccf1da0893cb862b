"""A dict keyed by the current asyncio task: isolates concurrent requests, but
the id is lost in asyncio.to_thread (no task in a worker thread) and in
tasks the request spawns."""

import asyncio

_by_task = {}


def current_request_id():
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop: a worker thread
        return None
    stack = _by_task.get(task)
    return stack[-1] if stack else None


async def handle_request(rid, work):
    task = asyncio.current_task()
    _by_task.setdefault(task, []).append(rid)
    try:
        return await work()
    finally:
        stack = _by_task[task]
        stack.pop()
        if not stack:
            del _by_task[task]
