# GOOD: sliding window with asyncio.wait(FIRST_COMPLETED), refilling as each call ends
import asyncio


async def fetch_all(client, prompts: list[str], limit: int) -> list[str]:
    n = len(prompts)
    results: list = [None] * n
    if n == 0:
        return results
    pending = {}
    nxt = 0
    while nxt < n and len(pending) < limit:
        t = asyncio.ensure_future(client.complete(prompts[nxt]))
        pending[t] = nxt
        nxt += 1
    try:
        while pending:
            done, _ = await asyncio.wait(pending.keys(), return_when=asyncio.FIRST_COMPLETED)
            for t in done:
                results[pending.pop(t)] = t.result()
            while nxt < n and len(pending) < limit:
                t = asyncio.ensure_future(client.complete(prompts[nxt]))
                pending[t] = nxt
                nxt += 1
    finally:
        for t in pending:
            t.cancel()
    return results
