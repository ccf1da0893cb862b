"""A fake LLM client for the asyncio exercises.

`await client.complete(prompt)` answers `completion<prompt>#tag` after a
latency (the tag is keyed by a secret held in C, the same for the reference
and the candidate within one host process), fails for prompts
marked to fail, and refuses calls beyond a server-side concurrency cap the
way an HTTP API answers 429.  Its counters (calls, calls in flight, peak,
refusals, timings) are kept by the C host through `_pyharness`: a submission
can read this object's attributes but cannot rewrite the figures it is graded
on, and ending a call twice or one that never began is recorded as tampering.
"""

from __future__ import annotations

import asyncio
from typing import Iterable, Mapping

import _pyharness

# Defined with the other helpers checks share (importing them needs no asyncio).
from .checklib import CompletionError, RateLimitError

__all__ = ["CompletionError", "FakeLLMClient", "RateLimitError"]


class FakeLLMClient:
    """Async client with per-prompt latency, failures and a concurrency cap.

    The C counters are reached through class attributes bound at import, so
    rebinding `_pyharness` or `asyncio.sleep` afterwards changes nothing here.
    """

    __slots__ = ("name", "_id")
    _new = staticmethod(_pyharness.client_new)
    _begin = staticmethod(_pyharness.client_begin)
    _end = staticmethod(_pyharness.client_end)
    _cancel = staticmethod(_pyharness.client_cancel)
    _sleep = staticmethod(asyncio.sleep)

    def __init__(
        self,
        name: str,
        latency: float = 0.05,
        cap: int = 1000,
        fail: Iterable[str] = (),
        latencies: Mapping[str, float] | None = None,
    ) -> None:
        self.name = name
        # Latencies and failures are handed to C: nothing here to rewrite.
        self._id = self._new(name, cap, float(latency), dict(latencies or {}), list(fail))

    async def complete(self, prompt: str) -> str:
        """Return the model's answer to `prompt`, or raise RateLimitError / CompletionError."""
        token, delay, fails = self._begin(self._id, prompt)
        if token < 0:
            await self._sleep(0)
            raise RateLimitError("429 Too Many Requests: more than the server's cap in flight")
        try:
            await self._sleep(delay)
        except BaseException:
            self._cancel(token)
            raise
        answer = self._end(token)
        if fails:
            raise CompletionError(f"500 model error on prompt {prompt!r}")
        return answer
