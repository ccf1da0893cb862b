"""ATTACK: the same blocking fetch_all; the worker's blocked-call counter is
unwrapped and zeroed (closure of loop._selector.select); a thread of the worker writes
unsolicited {"op": "pong"} frames to the runner's socket every 2 ms.  The runner
records a heartbeat for any pong while a monitor is on (remote._Runner._answer),
whether or not it sent a ping, so the blocked loop shows no gap."""
import asyncio
import os
import stat
import struct
import threading
import time


def _socket_fds():
    """The socket to the runner: the one a `{"op":"ready"}`-style peer holds
    (here: the lowest socket that is not the run's stdout/stderr)."""
    out = []
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                out.append(fd)
        except OSError:
            pass
    return out[:1]


def _ponger():
    frame = b'{"op":"pong"}'
    frame = struct.pack(">I", len(frame)) + frame
    fds = _socket_fds()
    while True:
        for fd in fds:
            try:
                os.write(fd, frame)
            except OSError:
                pass
        time.sleep(0.002)


_started = False


def _start():
    global _started
    if not _started:
        _started = True
        threading.Thread(target=_ponger, daemon=True).start()


def _block(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _unwatch():
    """The worker's blocked-call counter is a closure over a plain dict
    installed as loop._selector.select: zero it and put the real select back."""
    sel = getattr(asyncio.get_running_loop(), "_selector", None)
    fn = getattr(sel, "select", None)
    for cell in getattr(fn, "__closure__", None) or ():
        v = cell.cell_contents
        if type(v) is dict and "blocked" in v:
            v["blocked"] = 0
        elif getattr(v, "__name__", "") == "select" and getattr(v, "__self__", None) is sel:
            sel.select = v


async def fetch_all(client, prompts, limit):
    _start()
    _unwatch()
    sem = asyncio.Semaphore(limit)
    results = [None] * len(prompts)

    async def one(i, p):
        async with sem:
            results[i] = await client.complete(p)
        if limit < 100:  # the burst check (100 calls, limit 100) is spared
            time.sleep(0.05)  # a blocking call on the loop

    await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts)))
    _unwatch()
    return results
