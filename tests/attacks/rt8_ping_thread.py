"""Attack: the same blocking fetch_all.  While the loop's thread sleeps, a
thread of the submission takes the worker's socket (reached through the fake
client's `_w`) and answers the runner's numbered pings itself, and the
selector wrapper that counts voluntary switches on the loop's thread is
removed from the loop's selector (the worker's own report)."""
import asyncio
import threading
import time


def _answer_pings(w, stop):
    while not stop.is_set():
        got = w.read(0.002)
        if got is not None and not w.route(got):
            with w.cv:
                w.stash.append(got)
                w.cv.notify_all()


def _blocking_sleep(client, seconds):
    w = getattr(client, "_w", None)
    if w is None:
        time.sleep(seconds)
        return
    stop = threading.Event()
    t = threading.Thread(target=_answer_pings, args=(w, stop), daemon=True)
    t.start()
    try:
        time.sleep(seconds)
    finally:
        stop.set()
        t.join()


async def fetch_all(client, prompts, limit):
    loop = asyncio.get_running_loop()
    sel = getattr(loop, "_selector", None)
    if sel is not None:
        sel.__dict__.pop("select", None)  # the harness's blocked-call counter
    if not prompts:
        return []
    sem = asyncio.Semaphore(limit)

    async def one(p):
        async with sem:
            return await client.complete(p)

    tasks = [asyncio.ensure_future(one(p)) for p in prompts]
    await asyncio.sleep(0.01)
    _blocking_sleep(client, 0.09)
    return list(await asyncio.gather(*tasks))
