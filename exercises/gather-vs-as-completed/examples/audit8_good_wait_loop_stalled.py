# GOOD: an asyncio.wait(FIRST_COMPLETED) loop (audit8's tune set) whose event loop stalls
# 65 ms once, as on a busy machine: the answers of calls 3 (70 ms) and 0 (100 ms) arrive
# together and come out in the done set's order.  Nothing a program can see tells them
# apart, so this is still completion order (failed completion_order before the fix).
import asyncio
import time


def _outcome(task):
    exc = task.exception()
    return exc if exc is not None else task.result()


async def gather_all(client, prompts: list[str]) -> list:
    tasks = [asyncio.ensure_future(client.complete(p)) for p in prompts]
    if tasks:
        await asyncio.wait(tasks)          # ALL_COMPLETED
    return [_outcome(t) for t in tasks]


async def in_completion_order(client, prompts: list[str]):
    index = {asyncio.ensure_future(client.complete(p)): i for i, p in enumerate(prompts)}
    pending = set(index)
    stall_after = 1 if len(prompts) == 6 else None
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for t in sorted(done, key=index.__getitem__):
                yield index[t], _outcome(t)
                if stall_after == index[t]:
                    stall_after = None
                    time.sleep(0.065)  # stands for a stall of a busy machine
    finally:
        for t in pending:
            t.cancel()
