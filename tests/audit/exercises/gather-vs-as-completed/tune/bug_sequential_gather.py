# BUG: all calls run at the same time (gather_all awaits each call in turn)
import asyncio


async def gather_all(client, prompts: list[str]) -> list:
    out = []
    for p in prompts:
        try:
            out.append(await client.complete(p))
        except Exception as exc:
            out.append(exc)
    return out


async def _tagged(client, i, p):
    try:
        return i, await client.complete(p)
    except Exception as exc:
        return i, exc


async def in_completion_order(client, prompts: list[str]):
    for fut in asyncio.as_completed([_tagged(client, i, p) for i, p in enumerate(prompts)]):
        yield await fut
