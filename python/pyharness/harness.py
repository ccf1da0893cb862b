"""The `h` object every check receives.

A check is `def check_<name>(sub, h)`: it calls the submission's functions
(`sub.batched(...)`) and returns plain data: the observation.  Figures that
grading relies on are recorded in C through `h.measure(...)`,
`h.run_async(...)` and fake clients, and reach the supervisor without passing
through Python objects; rules in exercise.json read them as
`cand.measure.<label>.<field>`, `cand.client.<name>.<field>` and
`cand.monitor.<name>.<field>`.
"""

from __future__ import annotations

import os
from typing import Any, Awaitable, Callable, Iterable, Mapping

import _pyharness

HEARTBEAT_S = 0.005  # event-loop monitor tick: a blocked loop shows as a long gap


class Harness:
    """What a check may use: measurement, fake clients, scratch files.

    The C entry points are bound as class attributes when this module is
    imported, and asyncio's by bind_asyncio() when the exercise uses asyncio
    (both in the sandbox host, before any submission runs): replacing
    `_pyharness`, `asyncio` or this module's globals later cannot redirect a
    measurement, and the class itself cannot be changed (the audit hook
    blocks setattr on types).
    """

    __slots__ = ("scratch", "role", "params", "cpus")
    _measure_into = staticmethod(_pyharness.measure_into)
    _measure = staticmethod(_pyharness.measure)
    _heartbeat = staticmethod(_pyharness.heartbeat)
    _now_ns = staticmethod(_pyharness.now_ns)
    # Bound by bind_asyncio(); None for an exercise whose files never import asyncio.
    _client_class: Any = None
    _asyncio_run: Any = None
    _sleep: Any = None
    _ensure_future: Any = None
    _wait_for: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass is how a submission would swap h.__class__ for one whose
        # measure() times something else; the worker also checks h's type.
        raise TypeError("pyharness.harness.Harness cannot be subclassed")

    def __init__(self, scratch: str, role: str, params: dict[str, Any]) -> None:
        self.scratch = scratch
        self.role = role  # "cand", "ref" or "base"
        self.params = params
        self.cpus = _pyharness.cpus()

    def measure(self, label: str, fn: Callable[..., Any], *args: Any, repeat: int = 1,
                **kwargs: Any) -> Any:
        """Call fn(*args, **kwargs) `repeat` times; record the fastest run under `label`."""
        return self._measure_into(label, repeat, fn, args, kwargs or None)

    def figures(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, dict]:
        """Call fn and return (result, figures) without recording them for grading."""
        return self._measure(fn, *args, **kwargs)

    def client(self, name: str, latency: float = 0.05, cap: int = 1000, fail: Iterable[str] = (),
               latencies: Mapping[str, float] | None = None) -> Any:
        """A fake LLM client (pyharness.fakellm.FakeLLMClient) whose counters
        appear as cand.client.<name>.*."""
        self._need_asyncio("h.client()")
        return self._client_class(name, latency=latency, cap=cap, fail=fail, latencies=latencies)

    def run_async(self, label: str, make: Callable[[], Awaitable[Any]], monitor: str | None = None,
                  timeout: float | None = None) -> Any:
        """Run the coroutine `make()` with asyncio.run, measured under `label`.

        With `monitor`, a heartbeat task ticks every 5 ms; the longest gap
        between ticks (cand.monitor.<name>.max_gap_ns) shows a blocked loop.
        """
        self._need_asyncio("h.run_async()")

        async def main() -> Any:
            if monitor:
                # A first tick now: a stall before the submission's first
                # await shows as a gap too.
                self._heartbeat(monitor)
            beat = self._ensure_future(self._beat(monitor)) if monitor else None
            try:
                if timeout is None:
                    return await make()
                return await self._wait_for(make(), timeout)
            finally:
                if beat is not None:
                    beat.cancel()
                    # A last tick: a submission that cancelled the heartbeat
                    # task (asyncio.all_tasks reaches it) and then blocked
                    # the loop shows the whole block as one gap.
                    self._heartbeat(monitor)

        return self.measure(label, self._asyncio_run, main())

    def _need_asyncio(self, what: str) -> None:
        if self._asyncio_run is None:
            raise RuntimeError(f"{what} needs asyncio, which this exercise's files never "
                               "import: add `import asyncio` to its checks.py")

    async def _beat(self, name: str) -> None:
        while True:
            self._heartbeat(name)
            await self._sleep(HEARTBEAT_S)

    def write_file(self, name: str, text: str) -> str:
        """Write a file in the scratch folder and return its path."""
        path = os.path.join(self.scratch, os.path.basename(name))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def now_ns(self) -> int:
        return self._now_ns()


def bind_asyncio() -> None:
    """Bind asyncio's entry points and the fake client into Harness.

    Called by the sandbox host once it has loaded an exercise whose files
    import asyncio, before any submission runs.
    """
    import asyncio

    from .fakellm import FakeLLMClient

    Harness._client_class = FakeLLMClient
    Harness._asyncio_run = staticmethod(asyncio.run)
    Harness._sleep = staticmethod(asyncio.sleep)
    Harness._ensure_future = staticmethod(asyncio.ensure_future)
    Harness._wait_for = staticmethod(asyncio.wait_for)
