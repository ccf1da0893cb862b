"""Attack: forge: make up the fake LLM's answers without waiting for the calls."""
import asyncio


async def fetch_all(client, prompts, limit):
    await asyncio.sleep(0)
    return [f"completion<{p}>" for p in prompts]
