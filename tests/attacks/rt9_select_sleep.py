"""Attack (red-team pass 9, select_sleep): a blocking pause of 1 ms per call on
the loop's thread, disguised from all three observers (the runner now
accepts as the loop's wait only an epoll wait on the loop's own epoll, read
from /proc/<pid>/task/<tid>/syscall and fdinfo).
1. wchan looks: the pause sleeps in an epoll of its own (kernel wchan:
   do_epoll_wait, like the loop's own wait), which the
   runner's 2 ms looks at /proc/<worker>/task/<worker>/wchan count as "the
   loop is back in its selector's wait".
2. the worker's blocked-call count: the voluntary switches of the pause are
   added to the selector wrapper's baseline (its closure cell `state`).
3. pings: a thread of the worker reads the socket while the loop is blocked
   and answers them (route()), found through f_back.
"""
import asyncio
import resource
import select
import sys
import threading

_ST = {}
_EP = select.epoll()


def _find_worker():
    f = sys._getframe(1)
    while f is not None:
        for name in ("self", "worker", "w"):
            o = f.f_locals.get(name)
            if type(o).__name__ == "_Worker":
                return o
        f = f.f_back
    return None


def _state_cell(loop):
    sel = getattr(loop, "_selector", None)
    fn = getattr(sel, "select", None)
    for c in getattr(fn, "__closure__", None) or ():
        try:
            v = c.cell_contents
        except ValueError:
            continue
        if type(v) is list and len(v) == 1 and type(v[0]) is int:
            return v
    return None


def _block(t):
    who = resource.RUSAGE_THREAD
    before = resource.getrusage(who).ru_nvcsw
    _EP.poll(t)
    st = _ST.get("state")
    if st is not None:
        st[0] += resource.getrusage(who).ru_nvcsw - before


def _ponger(w, stop):
    while not stop.is_set():
        try:
            msg = w.read(0.05)
        except Exception:
            return
        if msg is not None and not w.route(msg):
            with w.cv:
                w.stash.append(msg)
                w.cv.notify_all()


async def fetch_all(client, prompts, limit):
    loop = asyncio.get_running_loop()
    _ST["state"] = _state_cell(loop)
    w = _find_worker()
    stop = threading.Event()
    th = None
    if w is not None and _ST["state"] is not None:  # only under the monitor
        th = threading.Thread(target=_ponger, args=(w, stop), daemon=True)
        th.start()
    sem = asyncio.Semaphore(limit)

    async def one(p):
        async with sem:
            _block(0.001)
            return await client.complete(p)
    try:
        return list(await asyncio.gather(*(one(p) for p in prompts)))
    finally:
        stop.set()
        if th is not None:
            th.join()
