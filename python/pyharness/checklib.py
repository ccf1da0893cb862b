"""Helpers that several exercises' checks share.

Checks import them (`from pyharness.checklib import CountingIterator`); they
run in the worker like the rest of a check and only shape observations.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from .remote import inside, type_name  # noqa: F401  (for checks.py)


class RateLimitError(Exception):
    """The fake server's concurrency cap was exceeded (HTTP 429)."""

    status = 429


class CompletionError(Exception):
    """The fake model failed on this prompt (HTTP 500)."""

    status = 500


# What an asyncio submission may legitimately let escape, observed by type
# name: the fake server's 429 and 500 answers, and a check's own timeout.
# Anything else is a bug in the submission and propagates, so the report
# shows its traceback.
OBSERVED_ERRORS = (RateLimitError, CompletionError, TimeoutError)


# The speed checks' timed input: n ints, (start + i * step) ^ mask, made in C
# by an iterator that tells nothing of what it will yield (no __reduce__, no
# __length_hint__, no attribute; see harness/py/keyed_stream.c), so the
# input can be had only by pulling it, as a caller would.
try:
    from _pyharness import KeyedStream
except ImportError:  # plain python3: the same items from a generator

    def KeyedStream(start: int, step: int, n: int, mask: int) -> Iterator[int]:  # type: ignore[misc]
        """n ints, (start + i * step) ^ mask."""
        return ((start + i * step) ^ mask for i in range(n))


# A timed loop's digest of one batch of ints, chained: see chain_ints in
# harness/py/keyed_stream.c (the same mix in Python when there is no worker).
try:
    from _pyharness import chain_ints
except ImportError:

    def chain_ints(state: int, batch: Iterable[int]) -> int:  # type: ignore[misc]
        """state mixed with every int of batch, then with the batch's length."""
        m = (1 << 64) - 1

        def mix(d: int, v: int) -> int:
            d = ((d ^ (v & m)) * 0x9E3779B97F4A7C15) & m
            return d ^ (d >> 29)

        d, n = state & m, 0
        for v in batch:
            if type(v) is not int:
                raise TypeError("chain_ints: an item of a batch is not an int")
            d, n = mix(d, v), n + 1
        return mix(d, 0x5BD1E995 ^ n)


try:
    from _pyharness import chain_strs
except ImportError:

    def chain_strs(state: int, seq: Iterable[str]) -> int:  # type: ignore[misc]
        """state mixed with every str of seq (kind, length, text), then its length."""
        m = (1 << 64) - 1

        def mix(d: int, v: int) -> int:
            d = ((d ^ (v & m)) * 0x9E3779B97F4A7C15) & m
            return d ^ (d >> 29)

        d, n = state & m, 0
        for s in seq:
            if type(s) is not str:
                raise TypeError("chain_strs: an item is not a str")
            top = max(map(ord, s), default=0)
            kind, codec = ((1, "latin-1") if top < 256 else (2, "utf-16-le") if top < 65536
                           else (4, "utf-32-le"))
            data = s.encode(codec)
            d = mix(d, (len(data) << 3) ^ kind)
            for at in range(0, len(data), 8):
                d = mix(d, int.from_bytes(data[at:at + 8], "little"))
            n += 1
        return mix(d, 0x5BD1E995 ^ n)


# The laziness checks hand this iterator to the submission: its count is a
# read-only C member of a final type (see harness/py/counting_iter.c), not an attribute the
# submission could rewrite.
try:
    from _pyharness import CountingIterator
except ImportError:  # plain python3 (this module's own tests): no worker, nothing to forge

    class CountingIterator:  # type: ignore[no-redef]
        """An iterator that counts how many items were pulled from it."""

        def __init__(self, it: Iterable[Any]) -> None:
            self._it: Iterator[Any] = iter(it)
            self.pulled = 0

        def __iter__(self) -> "CountingIterator":
            return self

        def __next__(self) -> Any:
            item = next(self._it)
            self.pulled += 1
            return item


def observable(exc: BaseException) -> bool:
    """True for an exception a check records instead of letting it propagate."""
    if isinstance(exc, OBSERVED_ERRORS):
        return True
    # A TaskGroup wraps failures in an ExceptionGroup.
    return isinstance(exc, ExceptionGroup) and exc.subgroup(OBSERVED_ERRORS) is exc


def exception_name(exc: BaseException) -> str:
    """The type name, with the members of an ExceptionGroup, sorted."""
    if isinstance(exc, ExceptionGroup):
        inner = ", ".join(sorted({exception_name(e) for e in exc.exceptions}))
        return f"{type(exc).__name__}[{inner}]"
    return type(exc).__name__


# ---- nothing outlives its check ----

def _children() -> set[Any]:
    """multiprocessing's live child processes of this process (pool workers
    included), as multiprocessing.Process objects; finished ones are reaped."""
    import sys

    mp = sys.modules.get("multiprocessing")
    if mp is None:
        return set()
    return set(mp.active_children())


def _helper_pids() -> set[int]:
    """multiprocessing's own long-lived helpers (forkserver, resource tracker):
    started once per process by design, not a pool left running."""
    import sys

    pids = set()
    fs = sys.modules.get("multiprocessing.forkserver")
    rt = sys.modules.get("multiprocessing.resource_tracker")
    for holder, attr in ((getattr(fs, "_forkserver", None), "_forkserver_pid"),
                         (getattr(rt, "_resource_tracker", None), "_pid")):
        pid = getattr(holder, attr, None)
        if isinstance(pid, int):
            pids.add(pid)
    return pids


class Leftovers:
    """Processes and threads a call leaves running, found and stopped.

        with Leftovers() as left:
            sub.run_cpu_bound(...)
        left.processes, left.threads   # counts, for the observation

    On leaving the block, multiprocessing child processes (pool workers)
    started inside it that are still running (the forkserver and resource
    tracker aside) are counted and killed, so their CPU time never reaches a later measurement;
    threads started inside it that are still alive after `thread_grace_s`
    are counted (a thread cannot be killed; a pool's idle threads use no CPU).
    """

    def __init__(self, thread_grace_s: float = 1.0) -> None:
        self.thread_grace_s = thread_grace_s
        self.processes = 0
        self.threads = 0

    def __enter__(self) -> "Leftovers":
        import threading

        self._procs = _children()
        self._threads = set(threading.enumerate())
        return self

    def __exit__(self, *exc: Any) -> bool:
        import threading
        import time

        helpers = _helper_pids()
        left = [p for p in _children() - self._procs if p.pid not in helpers]
        self.processes = len(left)
        for p in left:
            try:
                p.kill()
            except (OSError, ValueError, AttributeError):
                pass
        for p in left:
            try:
                p.join(1.0)
            except (OSError, ValueError, AssertionError):
                pass
        deadline = time.monotonic() + self.thread_grace_s
        new = [t for t in threading.enumerate() if t not in self._threads]
        for t in new:
            t.join(max(0.0, deadline - time.monotonic()))
        self.threads = sum(1 for t in new if t.is_alive())
        return False

    def observation(self) -> dict[str, int]:
        return {"processes_left_running": self.processes, "threads_left_running": self.threads}
