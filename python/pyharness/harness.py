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

import errno
import os
import resource
import time
from typing import Any, Awaitable, Callable, Iterable, Mapping

import _pyharness

from . import remote as _remote

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

    __slots__ = ("scratch", "role", "params", "cpus", "seed")
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
    _get_running_loop: Any = None
    _task_class: Any = None
    _rusage_thread = resource.RUSAGE_THREAD
    _thread_vcsw = staticmethod(lambda who, _ru=resource.getrusage: _ru(who).ru_nvcsw)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass is how a submission would swap h.__class__ for one whose
        # measure() times something else; the worker also checks h's type.
        raise TypeError("pyharness.harness.Harness cannot be subclassed")

    def __init__(self, scratch: str, role: str, params: dict[str, Any]) -> None:
        self.scratch = scratch
        self.role = role  # "cand", "ref" or "base"
        self.params = params
        self.cpus = _pyharness.cpus()
        self.seed = 0

    def rng(self, salt: str = "") -> Any:
        """A random.Random seeded from the grading's secret seed (and `salt`):
        the same inputs for the reference and the candidate it is compared
        with, different in every grading, never known to the submission.
        Use it for hidden checks' inputs, so that forging an observation
        means computing the right answer."""
        import random

        return random.Random(f"{self.seed:x}:{salt}")

    def measure(self, label: str, fn: Callable[..., Any], *args: Any, repeat: int = 1,
                fresh: Callable[[int], tuple] | None = None, serial: str | None = None,
                max_parallel: int = 1, **kwargs: Any) -> Any:
        """Call fn `repeat` times and record the median figures under `label`.

        With `fresh`, repetition i calls fn(*fresh(i), **kwargs): every run
        gets inputs of its own (all made before the first run, outside the
        timed spans), so a cache keyed by the input gains nothing.  Without
        it, fn(*args, **kwargs) is called each time.  The spread (fastest
        and slowest wall and CPU times) is recorded beside the medians.

        With `serial`, the label of a serial run of the same work measured
        earlier in the check, the speed-up against that run's CPU time is
        recorded as `speedup`, and what the machine allowed as
        `speedup_possible` (the smaller of `max_parallel` and the cores left
        free by other load during the span).  Returns the last run's result.
        """
        if fresh is None:
            return self._measure_into(label, repeat, fn, args, kwargs or None, serial,
                                      max_parallel)
        inputs = [tuple(fresh(i)) for i in range(repeat)]
        pending = iter(inputs)
        call_kwargs = kwargs or {}

        def one_run() -> Any:
            return fn(*next(pending), **call_kwargs)

        return self._measure_into(label, repeat, one_run, (), None, serial, max_parallel)

    def figures(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, dict]:
        """Call fn and return (result, figures) without recording them for grading."""
        return self._measure(fn, *args, **kwargs)

    def client(self, name: str, latency: float = 0.05, cap: int = 1000, fail: Iterable[str] = (),
               latencies: Mapping[str, float] | None = None) -> Any:
        """A fake LLM service whose counters appear as cand.client.<name>.*.

        Passed to the submission, it is a client with `await
        client.complete(prompt)`; every call is answered by the check runner,
        which keeps the counters, latencies and answers outside the
        submission's process."""
        if _remote.runner() is not None:
            cid = _pyharness.client_new(name, cap, float(latency), dict(latencies or {}),
                                        list(fail))
            return _remote.Client(cid, name)
        self._need_asyncio("h.client()")
        return self._client_class(name, latency=latency, cap=cap, fail=fail, latencies=latencies)

    def blocking(self, name: str, latency: float = 0.05, cap: int = 1000,
                 latencies: Mapping[str, float] | None = None) -> Any:
        """A fake blocking service whose counters appear as cand.client.<name>.*
        (calls, peak_in_flight, mean_in_flight, ...).

        Passed to the submission, it is a plain function `fn(key) -> str`
        that blocks the calling thread for the key's latency (like a network
        call: the GIL is released meanwhile).  The runner answers each call,
        so the calls in flight at once are counted outside the submission's
        process, and the answer (tagged by a key the worker never holds)
        cannot be made up without making the call."""
        if _remote.runner() is not None:
            cid = _pyharness.client_new(name, cap, float(latency), dict(latencies or {}), [])
            return _remote.Service(cid, name)
        table = dict(latencies or {})

        def call(key: str) -> str:  # run_single (comparison reports): a local stand-in
            import time

            time.sleep(table.get(key, latency))
            return f"completion<{key}>"

        return call

    def run_async(self, label: str, fn: Callable[..., Awaitable[Any]], *args: Any,
                  monitor: str | None = None, timeout: float | None = None,
                  count_tasks: str | None = None, **kwargs: Any) -> Any:
        """Run `await fn(*args, **kwargs)` with asyncio.run in the worker,
        measured under `label` (fn: the submission's coroutine function, or
        an @inside one).

        With `monitor`, the runner pings the worker's event loop every 5 ms;
        the longest gap between answers (cand.monitor.<name>.max_gap_ns)
        shows a blocked loop.  The worker also reports each time the loop's
        thread slept in the kernel outside the selector's wait (time.sleep,
        a synchronous socket or lock): cand.monitor.<name>_blocked.beats
        (starting at 1), its own figure, a cross-check.

        With `count_tasks`, tasks created on the loop are counted (the
        worker's report) as cand.monitor.<count_tasks>.beats, starting at 1.
        """
        r = _remote.runner()
        if r is not None:
            return self.measure(label, r.run_async, fn, args, kwargs, monitor, timeout,
                                count_tasks)
        self._need_asyncio("h.run_async()")
        blocked = monitor + "_blocked" if monitor else None

        def make() -> Awaitable[Any]:
            return fn(*args, **kwargs)

        async def main() -> Any:
            loop = self._get_running_loop()
            if monitor:
                # A first tick now: a stall before the submission's first
                # await shows as a gap too.
                self._heartbeat(monitor)
                self._heartbeat(blocked)
                self._watch_selector(loop, blocked)
            beat = self._ensure_future(self._beat(monitor)) if monitor else None
            if count_tasks:
                self._heartbeat(count_tasks)
                loop.set_task_factory(self._task_factory(count_tasks))
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

    def iterate_async(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None,
                      **kwargs: Any) -> tuple[list, list[int]]:
        """Iterate the async iterator `fn(*args, **kwargs)` returns (fn: the
        submission's async generator function) one item per request, each
        step timed by the runner: returns (items, arrival times in ns since
        the iterator was made).  The worker's event loop lives across the
        steps; `timeout` bounds the whole iteration.  What the submission
        raises propagates, after the items before it."""
        r = _remote.runner()
        if r is not None:
            return r.iterate_async(fn, args, kwargs, timeout)
        self._need_asyncio("h.iterate_async()")

        async def collect() -> tuple[list, list[int]]:
            t0 = _pyharness.now_ns()
            items, times = [], []
            async for item in fn(*args, **kwargs):
                times.append(_pyharness.now_ns() - t0)
                items.append(item)
            return items, times

        if timeout is None:
            return self._asyncio_run(collect())
        return self._asyncio_run(self._wait_for(collect(), timeout))

    def run_processes(self) -> dict[int, str]:
        """The run's live processes besides its worker (pid -> command line),
        seen from outside by the runner: what a check compares before and
        after a block to find what it left running.  Empty where the run has
        no PID namespace of its own (the runner sees only the worker), or in
        a single-process run."""
        if _remote.runner() is None:
            return {}
        return dict(_pyharness.run_processes())

    def worker_threads(self) -> set[int]:
        """The worker's live threads (kernel thread ids), listed by the runner
        from /proc/<worker>/task: what a check compares before and after a
        block to find threads it left running.  Python's own registry
        (threading.enumerate()) is the submission's to edit; this list is
        not.  Empty in a single-process run."""
        r = _remote.runner()
        if r is None:
            return set()
        try:
            return {int(t) for t in os.listdir(f"/proc/{r.pid}/task")}
        except (OSError, ValueError):
            return set()

    def threads_left(self, before: set[int], grace_s: float = 1.0) -> int:
        """How many of the worker's threads not in `before` (a worker_threads()
        listing) are still alive after up to `grace_s` seconds: threads a
        block left running, counted from outside."""
        deadline = time.monotonic() + grace_s
        while True:
            new = self.worker_threads() - before
            if not new or time.monotonic() >= deadline:
                return len(new)
            time.sleep(0.02)

    def stop_processes(self, pids: Iterable[int]) -> None:
        """SIGKILL the run's processes `pids` (from run_processes())."""
        if _remote.runner() is None:
            return
        import signal

        mine = _pyharness.run_processes()
        for pid in pids:
            if pid in mine:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def _task_factory(self, name: str) -> Callable[..., Any]:
        beat, task_class = self._heartbeat, self._task_class

        def factory(loop: Any, coro: Any, **kwargs: Any) -> Any:
            beat(name)
            return task_class(coro, loop=loop, **kwargs)

        return factory

    def _watch_selector(self, loop: Any, name: str) -> None:
        """Count the loop thread's voluntary context switches outside select().

        A correct event loop only sleeps in the kernel inside the selector's
        wait; any other voluntary switch on its thread is a blocking call.
        Involuntary switches (a busy machine preempting the thread) are not
        counted, so load does not look like blocking.
        """
        selector = getattr(loop, "_selector", None)
        if selector is None:
            return
        switches, beat, thread = self._thread_vcsw, self._heartbeat, self._rusage_thread
        inner = selector.select
        state = [switches(thread)]

        def select(timeout: Any = None) -> Any:
            outside = switches(thread) - state[0]
            for _ in range(min(outside, 1000)):
                beat(name)
            try:
                return inner(timeout)
            finally:
                state[0] = switches(thread)

        selector.select = select

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
        # Never open(path, "w"): a link the worker planted under that name
        # would be followed by a runner with more rights than the worker.
        try:
            return _remote.put_file(self.scratch, os.path.basename(name), text.encode("utf-8"))
        except OSError as e:
            runner = _remote.runner()
            if e.errno in (errno.ENOSPC, errno.EDQUOT) and runner is not None:
                runner.weigh_now()  # a folder the worker filled: its quota says why
            raise

    def write_fifo(self, name: str, text: str) -> str:
        """A FIFO in the scratch folder whose content is `text`: the check
        runner writes it only as fast as the submission reads it, and only
        while a request runs, so h.fifo_written(path) after a call bounds
        what the call read (a mapping of it fails: it is not a file).
        Outside a split run (sized workloads), a plain file."""
        r = _remote.runner()
        if r is None:
            return self.write_file(name, text)
        path = os.path.join(self.scratch, os.path.basename(name))
        r.add_fifo(path, text.encode("utf-8"))
        return path

    def fifo_written(self, path: str) -> int:
        """Bytes of h.write_fifo(path)'s text written so far (-1 outside a
        split run)."""
        r = _remote.runner()
        return -1 if r is None else r.fifo_written(path)

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
    Harness._get_running_loop = staticmethod(asyncio.get_running_loop)
    Harness._task_class = asyncio.Task
