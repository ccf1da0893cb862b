# ATTACK (a)/(f): replies out of step, mid-run.  The first call of gather_all
# writes a reply frame of its own on the request socket (fd 3),
# `{"op":"re","ok":null}`, before its real answer: the runner would take it as
# the answer and every later reply would answer the request before the one it
# is read for.  Each request now carries a number its reply must echo: the run
# stops at once.  Honest solution otherwise.
import asyncio
import json
import os
import struct

_f = json.dumps({"op": "re", "ok": None}).encode()
_sent = []



async def gather_all(client, prompts):
    if not _sent:
        _sent.append(1)
        os.write(3, struct.pack(">I", len(_f)) + _f)
    return list(await asyncio.gather(*(client.complete(p) for p in prompts), return_exceptions=True))


async def in_completion_order(client, prompts):
    async def one(i, p):
        try:
            return i, await client.complete(p)
        except Exception as e:
            return i, e

    for fut in asyncio.as_completed([one(i, p) for i, p in enumerate(prompts)]):
        yield await fut
