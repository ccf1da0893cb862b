"""Checks observe a submission from outside its process.

A run is two processes.  The *check runner* runs checks.py: it holds the
result pipe to the supervisor, the clocks that time each request, the fake
services (the LLM server) and the data sources it feeds the submission.  The
*worker* runs the submission and nothing else of the grade: it imports the
candidate's file and answers requests over a socket.  Whatever the worker
does to itself (rewriting its own memory, forging values), the runner's
figures stay the runner's, and the only frames the supervisor reads are the
runner's.

In checks.py, `sub` is a proxy: `sub.batched(range(10), 3)` is a request,
plain data crosses by value, and anything else the submission returns (a
generator, a context manager, an object) stays in the worker behind a
handle the runner uses through the same proxy.  An iterator a check passes
in stays in the runner and is fed to the worker item by item, so the runner
counts what was asked of it.  Code that must run next to the submission
(timed loops, event-loop bodies) is marked `@inside` in checks.py and
shipped to the worker as code: that is the only check code a worker sees.

Wire format: 4-byte big-endian length, then one JSON object (ASCII, so lone
surrogates survive).  Values are JSON with `$`-tagged objects for what JSON
lacks (tuples, dicts with any keys, sets, bytes, ranges, exceptions,
handles).  Nothing from the worker is ever executed or unpickled by the
runner: a lying worker can make its own answers wrong, not the runner's.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import hmac
import heapq
import importlib
import itertools
import json
import marshal
import os
import resource
import select
import signal
import stat
import struct
import sys
import threading
import types
import weakref
from typing import Any, Callable

HEADER = struct.Struct(">I")
MESSAGE_MAX = 64 * 1024 * 1024
NAME_MAX = 200  # a type or module name as the worker reports it
DEPTH_MAX = 200
BIG_INT_BITS = 12000  # past it, an int goes as hex: JSON's decimal text is capped at 4300 digits
FEED_LIMIT = 4_000_000  # items of one fed input: past it, the input is being stored
FEED_CHUNK_MAX = 65536  # items per answer once a fed iterator is read in bulk
_SCALARS = (int, str, float, bool, type(None))
MEMORY_SAMPLE_S = 0.02  # how often the run is weighed (requests, between them, the end)
FIFO_POLL_S = 0.001  # how often a request's wait tops up the check's FIFOs
BYE_WAIT_S = 5.0  # the worker's output is flushed within this of the last check, or it is stopped
SCHED_SAMPLE_S = 0.005  # how often the run's threads are read while a speed-up is measured
PING_S = 0.005  # event-loop monitor period
LOOK_S = 0.002  # how often the runner looks at the loop's thread in /proc
# Where the kernel shows a thread asleep in a selector's wait (wchan): the
# only place an event loop's thread may sleep without blocking the loop.
SELECTOR_WAITS = frozenset({"do_epoll_wait", "ep_poll", "do_select", "core_sys_select",
                            "do_sys_poll", "do_poll"})
# The epoll waits (/proc/<pid>/task/<tid>/syscall numbers) a loop's selector
# makes: epoll_wait, epoll_pwait, epoll_pwait2.
EPOLL_WAITS = {"x86_64": frozenset({232, 281, 441}),
               "aarch64": frozenset({22, 441})}.get(os.uname().machine, frozenset())
WORKER_WIRE_FD = 3  # the worker's end of the request socket (worker_proc.c), its loop's reader
BLOCKING_POLL_S = 0.02  # a thread waiting for a blocking call's answer reads this long at most
WATCHDOG_SIGNAL = signal.SIGUSR2  # the worker dumps its stacks (faulthandler) on it

# Bound when the host imports this module, before any submission runs: a
# submission replacing resource.getrusage later changes nothing here.
_getrusage = resource.getrusage
_RUSAGE_THREAD = resource.RUSAGE_THREAD

# Bound at import, before any submission runs: what builds the @inside
# functions cannot be rebound under the loader (pyharness.remote is watched).
_b64decode = base64.b64decode
_marshal_loads = marshal.loads
_FunctionType = types.FunctionType

_DICT_VIEWS = {type({}.keys()): "$k", type({}.values()): "$v", type({}.items()): "$it"}



# ---- files the runner writes into the worker's folder
#
# The run's folder belongs to the worker, which can plant a link under any
# name the runner is about to use, or swap one in between two calls on a
# path.  The runner has more rights than the worker (it may be root), so it
# never follows a link there: it creates with O_EXCL | O_NOFOLLOW relative to
# a descriptor of the folder, and changes modes by descriptor.

def _folder_fd(folder: str) -> int:
    return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)


def _node_of(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return (st.st_dev, st.st_ino)


def _own_node(fd: int, is_kind: Callable[[int], bool]) -> tuple[int, int]:
    """The identity of the node `fd` opens, which must be of the kind asked
    and this process's own (not one the worker put in its place)."""
    st = os.fstat(fd)
    if not is_kind(st.st_mode) or st.st_uid != os.geteuid():
        raise OSError(f"{fd}: not the node this process made")
    return (st.st_dev, st.st_ino)


def _create_in(dfd: int, name: str, data: bytes | memoryview, replace: bool) -> None:
    """Create `name` in the folder `dfd` opens, holding `data`, readable by
    the worker.  Whatever held the name is removed first when `replace` (a
    link is removed, not followed); FileExistsError when the name is taken
    again before the file is made, or at once when not `replace`."""
    for _ in range(3):
        if replace:
            try:
                os.unlink(name, dir_fd=dfd)
            except FileNotFoundError:
                pass
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o600, dir_fd=dfd)
            break
        except FileExistsError:
            if not replace:
                raise
    else:
        raise FileExistsError(f"{name}: taken again as it was made")
    try:
        os.fchmod(fd, 0o644)
        view = memoryview(data).cast("B")
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def put_file(folder: str, name: str, data: bytes | memoryview, replace: bool = True) -> str:
    """Create `folder`/`name` holding `data` (see _create_in) and return its
    path."""
    dfd = _folder_fd(folder)
    try:
        _create_in(dfd, name, data, replace)
    finally:
        os.close(dfd)
    return os.path.join(folder, name)


class WorkerGone(Exception):
    """The worker closed its end: it exited or was killed mid-request."""


class ProtocolError(Exception):
    """The worker sent something that is not a message of this protocol."""


class Sealed(dict):
    """A message whose MAC under the run's key held: written by the worker's
    serving loop (serve_gate.c), not by the submission."""


SEAL_TAG = b"S"
SEAL_HEX = 64


# --------------------------------------------------------------------------- wire


class Wire:
    """Length-prefixed JSON messages over a stream socket."""

    def __init__(self, fd: int, on_wait: Callable[[], float | None] | None = None) -> None:
        # Plain descriptor I/O: a socket object would be refused in the
        # worker by the audit hook (and needs nothing a descriptor lacks).
        self.fd = fd
        self.buf = bytearray()
        self.pidfd = -1
        # The runner's side: the descriptor does not block, and a write the
        # other side does not read calls on_wait() each time the wait it
        # returned (seconds; None: none) passes.  A worker that stops
        # reading would otherwise hold the runner in write(), where no timer
        # signal's handler runs, and its quotas would go unweighed.
        self.on_wait = on_wait
        if on_wait is not None:
            os.set_blocking(fd, False)
        # Threads of the submission may send at once (blocking calls, pongs):
        # one frame is written whole before the next begins.
        self.send_lock = threading.Lock()
        # The runner's side: the worker's key (its first frame), which the
        # MAC of a sealed frame is checked under.
        self.key: bytes | None = None

    def watch(self, pid: int) -> None:
        """Also end a wait when process `pid` (the other side) exits: a
        process it forked can hold its end of the socket open after it is
        gone.  Opened once the run's descriptors are in place."""
        if self.pidfd < 0:
            try:
                self.pidfd = os.pidfd_open(pid)
            except (OSError, AttributeError):
                self.pidfd = -1

    def send(self, msg: dict) -> None:
        data = json.dumps(msg, separators=(",", ":")).encode("ascii")
        if len(data) > MESSAGE_MAX:
            raise ValueError(f"a message of {len(data)} bytes is over the {MESSAGE_MAX} limit")
        view = memoryview(HEADER.pack(len(data)) + data)
        with self.send_lock:
            self._write(view)

    def send_raw(self, frame: bytes) -> None:
        """A frame made whole already (a sealed one, _pyharness.serve_seal)."""
        with self.send_lock:
            self._write(memoryview(frame))

    def _write(self, view: memoryview) -> None:
        wait = None if self.on_wait is None else self.on_wait()
        try:
            while view:
                try:
                    n = os.write(self.fd, view)
                except BlockingIOError:
                    _, ready, _ = select.select([], [self.fd], [], wait)
                    if not ready and self.on_wait is not None:
                        wait = self.on_wait()
                    continue
                view = view[n:]
        except OSError as exc:
            raise WorkerGone(f"the other side is gone ({exc.strerror})") from None

    def _take(self) -> dict | None:
        if len(self.buf) < HEADER.size:
            return None
        (n,) = HEADER.unpack_from(self.buf)
        if n > MESSAGE_MAX:
            raise ProtocolError(f"a frame of {n:,} bytes announced, over the {MESSAGE_MAX:,}-byte "
                                "limit for a frame on the harness's socket (the worker's serving "
                                "loop never sends one: a frame the submission wrote)")
        if len(self.buf) < HEADER.size + n:
            return None
        data = bytes(self.buf[HEADER.size:HEADER.size + n])
        del self.buf[:HEADER.size + n]
        sealed = False
        if data[:1] == SEAL_TAG:
            mac, data = data[1:1 + SEAL_HEX], data[1 + SEAL_HEX:]
            if self.key is None or not hmac.compare_digest(
                    hmac.new(self.key, data, hashlib.sha256).hexdigest().encode(), mac):
                raise ProtocolError("a sealed frame whose MAC does not hold (a frame the "
                                    "submission wrote on the harness's socket)")
            sealed = True
        try:
            msg = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(f"a message that is not JSON ({type(exc).__name__})") from None
        if type(msg) is not dict:
            raise ProtocolError("a message that is not an object")
        return Sealed(msg) if sealed else msg

    def fill(self) -> None:
        """Read what is there (the socket is readable); WorkerGone at EOF."""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return
        except OSError as exc:
            raise WorkerGone(f"the other side is gone ({exc.strerror})") from None
        if not chunk:
            raise WorkerGone("the other side closed the connection")
        self.buf += chunk

    def recv(self, timeout_s: float | None = None) -> dict | None:
        """The next message; None when `timeout_s` passes first."""
        while True:
            msg = self._take()
            if msg is not None:
                return msg
            if timeout_s is not None or self.pidfd >= 0 or self.on_wait is not None:
                fds = [self.fd] if self.pidfd < 0 else [self.fd, self.pidfd]
                ready, _, _ = select.select(fds, [], [],
                                            None if timeout_s is None else max(0.0, timeout_s))
                if not ready:
                    return None
                if self.fd not in ready:
                    raise WorkerGone("the worker exited")
            self.fill()


# --------------------------------------------------------------------------- values

def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _plain_scalar(v: Any) -> bool:
    return v is None or type(v) in (bool, int, float, str)


_NOT_DATA = object()


def encode_data(v: Any, enc: Callable[[Any, int], Any], depth: int) -> Any:
    """The wire form of plain data, one level deep (`enc` encodes what a
    container holds), or _NOT_DATA: both ends encode data alike and differ
    only in what they do with the rest."""
    t = type(v)
    if t is int and v.bit_length() > BIG_INT_BITS:
        return {"$I": format(v, "x")}  # past int's digit limit for JSON text
    if v is None or t in (bool, int, float, str):
        return v
    d = depth + 1
    if t is list:
        return [enc(x, d) for x in v]
    if t is tuple:
        return {"$t": [enc(x, d) for x in v]}
    if t is dict:
        return {"$d": [[enc(k, d), enc(x, d)] for k, x in v.items()]}
    if t is set:
        return {"$s": [enc(x, d) for x in v]}
    if t is frozenset:
        return {"$f": [enc(x, d) for x in v]}
    if t is bytes:
        return {"$b": _b64(v)}
    if t is bytearray:
        return {"$ba": _b64(bytes(v))}
    if t is range:
        return {"$r": [v.start, v.stop, v.step]}
    return _NOT_DATA


def exception_info(exc: BaseException, encode: Callable[[Any], Any], describe: Any = None,
                   depth: int = 0) -> dict:
    """An exception as data: its type's name, module and built-in bases, its
    args as far as they are plain, its plain attributes, members of a group."""
    t = type(exc)
    bases = [b.__name__ for b in t.__mro__ if b.__module__ == "builtins"
             and issubclass(b, BaseException)]
    # Names are the submission's own: a 24 MiB class name must not make the
    # reply too large to send (the run would look like it exited).
    info: dict[str, Any] = {"type": str(t.__name__)[:NAME_MAX],
                            "module": str(t.__module__)[:NAME_MAX], "bases": bases}
    try:
        info["args"] = [encode(a) for a in exc.args]
    except Exception:
        info["args"] = []
    try:
        info["msg"] = str(exc)[:600]
    except Exception:
        info["msg"] = "(the exception's message could not be read)"
    attrs = {}
    for k, v in list(getattr(exc, "__dict__", {}).items())[:20]:
        if type(k) is str and _plain_scalar(v):
            attrs[k] = v
    if attrs:
        info["attrs"] = attrs
    if isinstance(exc, StopIteration):
        try:
            info["value"] = encode(exc.value)
        except Exception:
            info["value"] = None
    if isinstance(exc, BaseExceptionGroup) and depth < 8:
        info["group"] = [exception_info(e, encode, None, depth + 1) for e in exc.exceptions[:50]]
    if describe is not None:
        try:
            info["desc"] = describe(exc)
        except Exception:
            pass
    return info


_SYNTHETIC: dict[tuple, type] = {}
SYNTHETIC_MAX = 256  # classes kept for names the worker sent; the runner outlives requests


def exception_class(info: dict) -> type:
    """The runner's class for an exception the worker raised: the built-in
    class of that name, the harness's own (RateLimitError), or a class made
    with the same name over its nearest built-in base."""
    # The worker's word: cut here too (red-team 8's class_flood sent
    # megabytes of distinct names to grow this process's cache).
    name = str(info.get("type", "Exception"))[:NAME_MAX] or "Exception"
    module = str(info.get("module", ""))[:NAME_MAX]
    if module == "builtins":
        cls = getattr(builtins, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            return cls
    if module.startswith("pyharness."):
        mod = sys.modules.get(module)
        cls = getattr(mod, name, None) if mod is not None else None
        if isinstance(cls, type) and issubclass(cls, BaseException):
            return cls
    base = BaseException
    for b in info.get("bases", []):
        cand = getattr(builtins, str(b), None)
        if isinstance(cand, type) and issubclass(cand, BaseException):
            base = cand
            break
    if issubclass(base, BaseExceptionGroup):
        base = Exception  # a group's subclass cannot be rebuilt faithfully
    key = (module, name, base)
    cls = _SYNTHETIC.get(key)
    if cls is None:
        cls = type(name, (base,), {"__module__": module or "submission"})
        if len(_SYNTHETIC) >= SYNTHETIC_MAX:
            _SYNTHETIC.clear()
        _SYNTHETIC[key] = cls
    return cls


def make_exception(info: dict, decode: Callable[[Any], Any], depth: int = 0) -> BaseException:
    if type(info) is not dict or depth > 8:
        return ProtocolError("an exception that is not described")
    cls = exception_class(info)
    args = info.get("args", [])
    try:
        args = tuple(decode(a) for a in args) if type(args) is list else ()
    except Exception:
        args = ()
    group = info.get("group")
    exc: BaseException
    if type(group) is list and issubclass(cls, BaseExceptionGroup):
        members = [make_exception(g, decode, depth + 1) for g in group]
        msg = args[0] if args and type(args[0]) is str else str(info.get("msg", ""))
        try:
            exc = cls(msg, members)
        except Exception:
            exc = ExceptionGroup(msg, [m for m in members if isinstance(m, Exception)] or
                                 [Exception("?")])
    else:
        try:
            exc = cls(*args)
        except Exception:
            exc = cls.__new__(cls)
            exc.args = args
    for k, v in (info.get("attrs") or {}).items():
        try:
            setattr(exc, str(k), v)
        except Exception:
            pass
    if isinstance(exc, StopIteration) and "value" in info:
        exc.value = decode(info["value"])
    if type(info.get("desc")) is dict:
        try:
            exc._ph_remote = info["desc"]  # type: ignore[attr-defined]
        except Exception:
            pass
    return exc


# --------------------------------------------------------------------------- runner side

class Remote:
    """An object that lives in the worker, used from the runner."""

    __slots__ = ("_id", "_tp", "__weakref__")

    def __init__(self, hid: int, tp: str) -> None:
        object.__setattr__(self, "_id", hid)
        object.__setattr__(self, "_tp", tp)

    def __getattr__(self, name: str) -> Any:
        r = _runner()
        if self._id == 0 and name in r.callables:
            return Attr(name)  # one request per call, not two
        return r.request({"op": "getattr", "h": self._id, "name": name})

    def __setattr__(self, name: str, value: Any) -> None:
        _runner().request({"op": "setattr", "h": self._id, "name": name,
                           "v": _runner().encode(value)})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        r = _runner()
        return r.request({"op": "call", "h": self._id, "a": r.encode(list(args)),
                          "k": r.encode(kwargs)})

    def __iter__(self) -> Any:
        return _runner().request({"op": "iter", "h": self._id})

    def __next__(self) -> Any:
        return _runner().request({"op": "next", "h": self._id})

    def __enter__(self) -> Any:
        return _runner().request({"op": "enter", "h": self._id})

    def __exit__(self, et: Any, ev: Any, tb: Any) -> Any:
        r = _runner()
        return r.request({"op": "exit", "h": self._id, "a": r.encode([et, ev, None])}, passing=ev)

    def __len__(self) -> int:
        return _runner().request({"op": "len", "h": self._id})

    def __bool__(self) -> bool:
        return _runner().request({"op": "bool", "h": self._id})

    def __getitem__(self, key: Any) -> Any:
        r = _runner()
        return r.request({"op": "getitem", "h": self._id, "a": r.encode(key)})

    def __contains__(self, key: Any) -> bool:
        r = _runner()
        return r.request({"op": "contains", "h": self._id, "a": r.encode(key)})

    def __repr__(self) -> str:
        return f"<{self._tp} in the worker>"


def type_name(value: Any) -> str:
    """The name of `value`'s type where it lives: a Remote's type in the
    worker, anything else's own."""
    if type(value) is Remote:
        return value._tp
    if type(value) is Attr:
        return "function"
    return type(value).__name__


class Attr:
    """A function or class of the submission's module, called in one request."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        r = _runner()
        return r.request({"op": "call", "h": 0, "attr": self.name, "a": r.encode(list(args)),
                          "k": r.encode(kwargs)})

    def __getattr__(self, name: str) -> Any:
        return getattr(_runner().request({"op": "getattr", "h": 0, "name": self.name}), name)

    def __repr__(self) -> str:
        return f"<submission.{self.name} in the worker>"


class Inside:
    """A function of checks.py that runs in the worker (see `inside`)."""

    def __init__(self, fn: types.FunctionType) -> None:
        if fn.__closure__:
            raise TypeError(f"@inside {fn.__name__}: a function that runs next to the "
                            "submission cannot use variables of an enclosing function")
        self.fn = fn
        self.name = fn.__name__
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        r = _runner()
        if r is None:  # plain python3 (tests of checks.py itself)
            return self.fn(*args, **kwargs)
        return r.request({"op": "inside", "name": self.name, "a": r.encode(list(args)),
                          "k": r.encode(kwargs)})


def inside(fn: types.FunctionType) -> Inside:
    """Mark a top-level function of checks.py to run in the worker, next to
    the submission: called from a check, it is one request, timed from
    outside like any other.  It may use modules, other @inside functions and
    plain constants of checks.py; `sub` passed to it is the submission's
    module itself."""
    return Inside(fn)


class Client:
    """A fake LLM service's handle in the runner: passed to the submission,
    it becomes a client in the worker whose calls this process answers."""

    __slots__ = ("cid", "name")

    def __init__(self, cid: int, name: str) -> None:
        self.cid = cid
        self.name = name


class Service(Client):
    """A fake blocking service's handle in the runner (h.blocking): passed to
    the submission, it becomes a plain function in the worker whose every
    call blocks its thread until this process answers, so the calls in
    flight are counted here, not by the worker."""

    __slots__ = ()


def _ship(fn: Inside, namespace: dict) -> list:
    """The code of an @inside function and how the worker finds its globals."""
    names: set[str] = set()

    def walk(code: types.CodeType) -> None:
        names.update(code.co_names)
        for c in code.co_consts:
            if isinstance(c, types.CodeType):
                walk(c)

    walk(fn.fn.__code__)
    globs = []
    for name in sorted(names):
        if name not in namespace:
            continue
        v = namespace[name]
        if isinstance(v, types.ModuleType):
            globs.append([name, "module", v.__name__])
        elif isinstance(v, Inside):
            globs.append([name, "inside", v.name])
        elif _plain_scalar(v) or type(v) in (tuple, frozenset, list, dict):
            try:
                globs.append([name, "value", _Runner.encode_static(v)])
            except (TypeError, ValueError):
                raise TypeError(f"@inside {fn.name} uses {name}, which holds data that cannot "
                                "be sent to the worker (plain data only)") from None
        else:
            module, qual = getattr(v, "__module__", None), getattr(v, "__qualname__", None)
            mod = sys.modules.get(module) if type(module) is str else None
            if mod is not None and type(qual) is str and getattr(mod, qual, None) is v:
                globs.append([name, "attr", [module, qual]])
    defaults = fn.fn.__defaults__
    return [fn.name, _b64(marshal.dumps(fn.fn.__code__)), globs,
            _Runner.encode_static(list(defaults)) if defaults else None]


_current: "_Runner | None" = None


def _runner() -> "_Runner":
    return _current  # type: ignore[return-value]


class _Runner:
    """The runner's end of one run: requests, feeds, callbacks, the fake
    LLM service, the event-loop monitor, the stack-dump watchdog."""

    def __init__(self, fd: int, worker_pid: int) -> None:
        self.wire = Wire(fd, on_wait=self._write_wait)
        self.pid = worker_pid
        self.remotes: "weakref.WeakValueDictionary[int, Remote]" = weakref.WeakValueDictionary()
        self.feeds: dict[int, Any] = {}
        self.fed_counts: dict[int, int] = {}
        self.callbacks: dict[int, Any] = {}
        self.timers: list = []
        self.seq = 0
        # Every request carries a number its reply must echo: a frame the
        # worker wrote on its own (at import, or a second reply) is caught
        # at once instead of answering the request after it.
        self.next_q = int.from_bytes(os.urandom(6), "big")
        self.calls: dict[int, list] = {}  # worker call id -> [token, timer entry]
        self.monitor: str | None = None
        self.tamper: list[str] = []
        self.callables: frozenset = frozenset()
        self.shipped: list = []
        self.deferred: list[dict] = []
        self.deadline_ns = 0
        self.ping_out: int | None = None  # the number of the ping awaiting its pong
        self.look_fd = -1  # the loop thread's /proc wchan while a monitored span runs
        self.look_seen = False  # the kernel showed it asleep in the selector's wait
        self.look_sys = -1  # the loop thread's /proc syscall: which wait, on which epoll
        self.loop_epfd: int | None = None  # the loop's own epoll (None: not found yet)
        self.dumped = False
        self.gone = False
        # The whole run's memory limit (set_memory_limit), watched while a
        # request runs; `stopped` says why the run was stopped, once it was.
        self.memory_limit = 0
        self.memory_base = 0
        self.memory_peak = 0
        self.next_sample_ns = 0
        self.next_sched_ns = 0
        self.stopped: str | None = None
        self.stopped_type = "MemoryError"
        # The run's disk quota (set_disk_limit): its folder and /dev/shm.
        self.disk: tuple[list[str], int, int] | None = None
        self.in_request = 0  # requests being served (they weigh the run themselves)
        # The check's FIFOs (h.write_fifo): path -> [write fd or -1 until the
        # worker opens it, the data, bytes written]; written only while a
        # request is served.
        self.fifos: dict[str, list] = {}
        import _pyharness
        self._ph = _pyharness

    # ---- values
    @staticmethod
    def encode_static(v: Any, depth: int = 0) -> Any:
        """Plain data only (constants shipped with @inside functions)."""
        if depth > DEPTH_MAX:
            raise ValueError("a value nested too deeply to send")
        data = encode_data(v, _Runner.encode_static, depth)
        if data is _NOT_DATA:
            raise TypeError(type(v).__name__)
        return data

    def encode(self, v: Any, depth: int = 0) -> Any:
        if depth > DEPTH_MAX:
            raise ValueError("a value nested too deeply to send to the worker")
        data = encode_data(v, self.encode, depth)
        if data is not _NOT_DATA:
            return data
        t = type(v)
        enc = self.encode
        if t is Remote:
            return {"$h": v._id}
        if t is Attr:
            return {"$a": v.name}
        if t is Inside:
            return {"$i": v.name}
        # A service goes by its number alone: its name is the check's label
        # ("burst", "io_12x100ms_4"), which would tell the worker which
        # check is running.
        if t is Client:
            return {"$c": v.cid}
        if t is Service:
            return {"$blk": v.cid}
        if t in _DICT_VIEWS:
            return {_DICT_VIEWS[t]: enc(list(v), depth + 1)}
        if isinstance(v, BaseException):
            return {"$e": exception_info(v, lambda a: enc(a, depth + 1))}
        if isinstance(v, type) and issubclass(v, BaseException):
            return {"$et": exception_info(v.__new__(v), lambda a: None)}
        if t is types.TracebackType:
            return None
        if t is types.BuiltinFunctionType and getattr(v, "__self__", None) is builtins:
            return {"$bf": v.__name__}
        if t in (types.MethodDescriptorType, types.WrapperDescriptorType) and \
                getattr(builtins, v.__objclass__.__name__, None) is v.__objclass__:
            return {"$md": [v.__objclass__.__name__, v.__name__]}
        if hasattr(v, "__next__") or (hasattr(v, "__iter__") and not callable(v)):
            self.seq += 1
            self.feeds[self.seq] = iter(v)
            return {"$feed": self.seq}
        if callable(v):
            self.seq += 1
            self.callbacks[self.seq] = v
            return {"$cb": self.seq}
        raise TypeError(f"a {t.__name__} cannot be sent to the worker")

    def decode(self, v: Any, depth: int = 0) -> Any:
        if depth > DEPTH_MAX:
            raise ProtocolError("a value nested too deeply")
        t = type(v)
        if v is None or t in (bool, int, float, str):
            return v
        dec = self.decode
        if t is list:
            return [dec(x, depth + 1) for x in v]
        if t is not dict or len(v) != 1:
            raise ProtocolError("a value that is not of this protocol")
        (tag, p), = v.items()
        if tag == "$t":
            return tuple(dec(x, depth + 1) for x in self._list(p))
        if tag == "$d":
            out = {}
            for pair in self._list(p):
                if type(pair) is not list or len(pair) != 2:
                    raise ProtocolError("a dict entry that is not a pair")
                out[dec(pair[0], depth + 1)] = dec(pair[1], depth + 1)
            return out
        if tag == "$s":
            return {dec(x, depth + 1) for x in self._list(p)}
        if tag == "$f":
            return frozenset(dec(x, depth + 1) for x in self._list(p))
        if tag in ("$b", "$ba"):
            raw = base64.b64decode(str(p))
            return raw if tag == "$b" else bytearray(raw)
        if tag == "$r":
            a, b, c = self._list(p)
            return range(int(a), int(b), int(c))
        if tag == "$h":
            hid, tp = self._list(p)
            if type(hid) is not int:
                raise ProtocolError("a handle that is not a number")
            r = self.remotes.get(hid)
            if r is None:
                r = Remote(hid, str(tp))
                self.remotes[hid] = r
            return r
        if tag == "$e":
            return make_exception(p, dec)
        if tag == "$I" and type(p) is str and len(p) < 1 << 20:
            try:
                return int(p, 16)
            except ValueError:
                pass
        raise ProtocolError(f"an unknown tag {tag[:20]!r}")

    @staticmethod
    def _list(p: Any) -> list:
        if type(p) is not list:
            raise ProtocolError("a tagged value without its list")
        return p

    # ---- requests
    def request(self, msg: dict, passing: Any = None) -> Any:
        """Send `msg` and serve the worker until its reply; return the value
        or raise the exception it reports.  `passing` is an exception the
        runner handed over (to __exit__): re-raised by the worker, it comes
        back as itself."""
        if self.stopped is None and not self.gone:
            # Between requests the run is weighed too (the between_requests
            # timer, and here once more): its threads and children do not
            # wait for a request to grow.
            try:
                self._sample_if_due(self._ph.now_ns())
            except WorkerGone:
                self.gone = True
        if self.stopped is not None:
            raise self._stop_error()
        if self.gone:
            raise WorkerGone("the worker is gone")
        self.in_request += 1
        self.next_q += 1
        q = msg["q"] = self.next_q
        try:
            self.wire.send(msg)
            reply = self._serve(q)
        except ProtocolError as exc:
            if self.stopped is None:
                self.protocol_stop(str(exc))
            raise self._stop_error() from None
        except WorkerGone:
            self.gone = True
            if self.stopped is not None:
                raise self._stop_error() from None
            raise
        finally:
            self.in_request -= 1
        fig = reply.get("fig")
        if type(fig) is list and len(fig) == 5 and all(type(x) is int for x in fig):
            self._ph.inside_note(*fig)
        counts = reply.get("counts")
        self._counts = counts if type(counts) is dict else {}
        tamper = reply.get("tamper")
        if type(tamper) is list:
            self.tamper.extend(str(t)[:200] for t in tamper[:10])
        if "raise" in reply:
            if reply.get("same") is True and passing is not None:
                raise passing
            raise make_exception(reply["raise"], self.decode)
        return self.decode(reply.get("ok"))

    def stop_report(self) -> dict:
        """Why the run was stopped, as the worker's error reports are."""
        return {"type": self.stopped_type, "message": self.stopped}

    def protocol_stop(self, why: str) -> None:
        """The worker broke the protocol (a reply to a request it was not
        sent, a frame of no kind, one that is not JSON): whatever it says
        next cannot be matched to a request, so the run is stopped now, not
        left to wait for replies until its time limit."""
        self.stopped = f"the worker broke the harness's request protocol: {why}"
        self.stopped_type = "ProtocolError"
        self.gone = True
        try:
            self._ph.kill_run()
        except Exception:
            pass

    def _serve(self, q: int) -> dict:
        while True:
            now = self._ph.now_ns()
            if (self.timers and self.timers[0][0] <= now) or (
                    self.deadline_ns and not self.dumped and now >= self.deadline_ns):
                self._fire()
                continue
            wait = self._sample_if_due(now)
            if now >= self.next_sched_ns:
                # While a speed-up is measured, the run's threads are read
                # often enough that a pool's processes are seen before they end.
                live = self._ph.sched_sample()
                self.next_sched_ns = now + int(SCHED_SAMPLE_S * 1e9) if live else 0
            if self.next_sched_ns:
                left = max(0, self.next_sched_ns - now) / 1e9
                wait = left if wait is None else min(wait, left)
            if self.timers:
                wait = min(wait or 1e9, max(0, self.timers[0][0] - now) / 1e9)
            if self.deadline_ns and not self.dumped:
                left = max(0, self.deadline_ns - now) / 1e9
                wait = left if wait is None else min(wait, left)
            if self.fifos and self._pump_fifos():
                wait = FIFO_POLL_S if wait is None else min(wait, FIFO_POLL_S)
            msg = self.wire.recv(wait)
            if msg is None:
                self._fire()
                continue
            op = msg.get("op")
            if op == "re":
                if type(msg) is not Sealed:
                    raise ProtocolError("a reply not sealed by the harness's serving loop (a "
                                        "frame the submission wrote on the harness's socket)")
                if msg.get("q") != q or type(msg.get("q")) is not int:
                    raise ProtocolError("a reply that answers no request in flight (a frame the "
                                        "submission wrote on the harness's socket)")
                return msg
            self._answer(op, msg)

    # ---- input the runner writes as it is read
    def add_fifo(self, path: str, data: bytes) -> None:
        """A FIFO at `path` whose content is `data`, written by this process
        only while a request is served, as fast as the worker reads it: what
        was written by the time a request came back bounds what the worker
        could have read (no mapping of the file, no read ahead of the pipe's
        capacity).  Its write end opens once the worker opens it to read.
        The folder is the worker's: every later use of the path checks that
        it still names the FIFO made here (see put_file)."""
        folder, name = os.path.split(path)
        dfd = _folder_fd(folder)
        try:
            os.mkfifo(name, 0o600, dir_fd=dfd)
            # Not os.chmod(path): it follows a link swapped in meanwhile.
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC,
                         dir_fd=dfd)
            try:
                ident = _own_node(fd, stat.S_ISFIFO)
                os.fchmod(fd, 0o644)  # the worker runs as another uid
            finally:
                os.close(fd)
        finally:
            os.close(dfd)
        self.fifos[path] = [-1, memoryview(data), 0, ident]

    def fifo_written(self, path: str) -> int:
        """Bytes of the FIFO at `path` written so far."""
        return self.fifos[path][2]

    def _pump_fifos(self) -> bool:
        """Top the check's FIFOs up; True while one still has data to write."""
        pending = False
        for path, f in self.fifos.items():
            fd, data, done, _ = f
            if data is None:
                continue
            if fd < 0:
                try:
                    # Only once a reader has it open (ENXIO before).
                    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
                except OSError:
                    pending = True
                    continue
                if _node_of(fd) != f[3]:  # swapped by the worker: write nothing there
                    os.close(fd)
                    f[1] = None
                    continue
                f[0] = fd
            try:
                while done < len(data):
                    done += os.write(fd, data[done:done + 65536])
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:  # the reader closed it: nothing more is read
                done = len(data)
            f[2] = done
            if done >= len(data):
                os.close(fd)  # the reader sees the end once it has read the rest
                f[0], f[1] = -1, None
                self._fifo_done(path, data)
            else:
                pending = True
        return pending

    @staticmethod
    def _fifo_done(path: str, data: memoryview) -> None:
        """Once all of it is written, the path becomes a plain file with the
        same content: a second pass over it (a reader that counts lines
        first, then reads) finds it, where a FIFO would block its open for
        good, and everything was counted as written already."""
        folder, name = os.path.split(path)
        try:
            dfd = _folder_fd(folder)
            try:
                _create_in(dfd, name + ".whole", data, replace=False)
                os.replace(name + ".whole", name, src_dir_fd=dfd, dst_dir_fd=dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass  # it stays a FIFO: only the worker's own second pass loses

    def _close_fifos(self) -> None:
        for path, f in self.fifos.items():
            if f[0] >= 0:
                os.close(f[0])
            try:
                os.unlink(path)
            except OSError:
                pass
        self.fifos.clear()

    def set_memory_limit(self, limit_bytes: int) -> None:
        """One memory limit for the whole run: the run's processes together
        (their proportional set sizes, so pages a fork shares count once) may
        grow by `limit_bytes` over what the worker held before it imported
        the submission.  The base and most samples are resident sizes, an
        upper bound of the PSS that costs no page-table walk: the limit can
        only be a little more lenient for it, and a run is stopped only on
        its exact figure."""
        base = self._ph.run_memory()
        if base < 0 or limit_bytes <= 0:
            return
        self.memory_base = base
        self.memory_peak = base
        self.memory_limit = base + limit_bytes

    def set_disk_limit(self, folder: str, limit_bytes: int, limit_entries: int) -> None:
        """What the run's folder and /dev/shm may hold together (bytes on
        disk, entries): past either, the run is stopped like for memory."""
        if limit_bytes > 0 and limit_entries > 0:
            self.disk = ([folder, "/dev/shm"], limit_bytes, limit_entries)

    def wait_ready(self) -> dict | None:
        """The worker's import report, the run's quotas watched meanwhile
        (an import can fill a disk as well as a request can).  The worker's
        key comes first, written by C before the import; None (a protocol
        stop follows) when either frame is not what it must be."""
        while True:
            msg = self.wire.recv(self._sample_if_due(self._ph.now_ns()))
            if msg is None:
                continue
            if self.wire.key is None:
                k = msg.get("op") == "key" and msg.get("k")
                if type(msg) is Sealed or type(k) is not str or len(k) != 64:
                    return None
                try:
                    self.wire.key = bytes.fromhex(k)
                except ValueError:
                    return None
                continue
            self.between_requests(True)
            return msg if type(msg) is Sealed else None

    def _sampling(self) -> bool:
        return bool(self.memory_limit) or self.disk is not None

    def _write_wait(self) -> float | None:
        """While a request waits for the worker to read it: the run is
        weighed as in any other wait (a worker that stops reading its socket
        with a runner's frame half written must not stop its weighing)."""
        if self.stopped is not None or self.gone:
            return MEMORY_SAMPLE_S  # being stopped: the write ends with WorkerGone
        return self._sample_if_due(self._ph.now_ns())

    def _sample_if_due(self, now: int) -> float | None:
        """Weigh the run if a sample of its quotas is due; how long a wait
        may last before the next one (None: no quota is watched)."""
        if not self._sampling():
            return None
        if now >= self.next_sample_ns:
            self._sample(now)
        return MEMORY_SAMPLE_S

    def _stop_error(self) -> BaseException:
        if self.stopped_type == "OSError":
            return OSError(28, self.stopped)  # ENOSPC
        if self.stopped_type == "ProtocolError":
            return ProtocolError(self.stopped)
        return MemoryError(self.stopped)

    def _sample(self, now: int) -> None:
        self.next_sample_ns = now + int(MEMORY_SAMPLE_S * 1e9)
        if self.disk is not None:
            self._sample_disk()
        if self.memory_limit:
            self._sample_memory()

    def _sample_disk(self) -> None:
        assert self.disk is not None
        folders, max_bytes, max_entries = self.disk
        used, entries = self._ph.run_disk(folders, max_bytes, max_entries)
        if used <= max_bytes and entries <= max_entries:
            return
        what = (f"{used / 2**20:.0f} MiB, over the run's limit of {max_bytes / 2**20:.0f} MiB"
                if used > max_bytes else
                f"{entries:,} files and folders, over the run's limit of {max_entries:,}")
        self.stopped = f"the run's folder and /dev/shm held {what}"
        self.stopped_type = "OSError"
        self._ph.kill_run()
        raise WorkerGone("stopped for disk")

    def _sample_memory(self) -> None:
        used = self._ph.run_memory()
        if used > self.memory_limit:
            used = self._ph.run_memory(True)
        if used > self.memory_peak:
            self.memory_peak = used
        if used <= self.memory_limit:
            return
        self.stopped = (f"the run's processes together held {used / 2**20:.0f} MiB, over the "
                        f"run's limit of {(self.memory_limit - self.memory_base) / 2**20:.0f} "
                        "MiB (every process of the run counts, child processes included, and so do "
                        "files in /dev/shm and data left in socket buffers)")
        self._ph.kill_run()
        raise WorkerGone("stopped for memory")

    def _fire(self) -> None:
        now = self._ph.now_ns()
        if self.deadline_ns and not self.dumped and now >= self.deadline_ns:
            self.dumped = True
            try:
                os.kill(self.pid, WATCHDOG_SIGNAL)
            except OSError:
                pass
        while self.timers and self.timers[0][0] <= now:
            _, _, kind, data = heapq.heappop(self.timers)
            if kind == "llm":
                self._llm_done(data)
            elif kind == "look" and self.monitor is not None:
                self._look()
                self._at(now + int(LOOK_S * 1e9), "look", None)
            elif kind == "ping" and self.monitor is not None and self.ping_out is None:
                # One ping out at a time, numbered: only the answer to it is a
                # beat, so a loop that is blocked stays silent however many
                # pongs something else in the worker writes.
                self.ping_out = int.from_bytes(os.urandom(8), "big") >> 1
                self.wire.send({"op": "ping", "n": self.ping_out})

    def _look(self) -> None:
        """One look at the event loop's thread (the worker's main thread,
        which serves the request and runs asyncio.run) from outside: asleep
        in the selector's wait is a beat of `<monitor>_waits`, so the longest
        gap between beats is the longest time the loop did not get back to
        its wait, whatever the worker reports or whoever answers pings.
        Where the kernel does not show it (wchan unreadable or "0" for
        every state), every look is a beat: the pings remain.

        A look that finds the thread asleep anywhere else (time.sleep's
        `hrtimer_nanosleep`, a lock, a socket read, an epoll of the
        submission's own) is a beat of `<monitor>_asleep`: blocking calls
        counted from outside, however short each one is and however loaded
        the machine (a thread waiting for a core is runnable, not asleep)."""
        try:
            os.lseek(self.look_fd, 0, os.SEEK_SET)
            where = os.read(self.look_fd, 64).decode("ascii", "replace").strip()
        except OSError:
            where = ""
        if where in SELECTOR_WAITS:
            self.look_seen = True
            if self._own_wait() is False:
                self._ph.heartbeat(self.monitor + "_asleep")
                return
        elif where not in ("", "0"):
            self._ph.heartbeat(self.monitor + "_asleep")
            return
        elif self.look_seen:
            return
        self._ph.heartbeat(self.monitor + "_waits")

    def _own_wait(self) -> bool | None:
        """Whether the loop's thread waits in the loop's own epoll (its
        syscall and first argument, /proc/<pid>/task/<tid>/syscall), not in
        a wait of its own making (an epoll or select that sleeps the loop's
        thread: red team 9's select_sleep); None where the kernel does not
        show it."""
        if self.look_sys < 0 or not EPOLL_WAITS:
            return None
        try:
            os.lseek(self.look_sys, 0, os.SEEK_SET)
            parts = os.read(self.look_sys, 256).split()
            nr = int(parts[0])
            epfd = int(parts[1], 16) if len(parts) > 1 else -1
        except (OSError, ValueError, IndexError):
            return None  # "running" has no number: not in a wait
        if nr not in EPOLL_WAITS:
            return False
        if self.loop_epfd is None:
            self.loop_epfd = self._find_loop_epoll()
        return self.loop_epfd is not None and epfd == self.loop_epfd

    def _find_loop_epoll(self) -> int | None:
        """The worker's one epoll that watches the request socket (the loop's
        reader); None when there is none, or more than one."""
        found = []
        folder = f"/proc/{self.pid}/fdinfo"
        try:
            names = os.listdir(folder)
        except OSError:
            return None
        for name in names:
            try:
                with open(f"{folder}/{name}", "rb") as f:
                    info = f.read(1 << 16)
            except OSError:
                continue
            for line in info.split(b"\n"):
                if line.startswith(b"tfd:") and line.split()[1:2] == [str(WORKER_WIRE_FD).encode()]:
                    found.append(int(name))
                    break
        return found[0] if len(found) == 1 else None

    def _look_start(self, monitor: str) -> None:
        self.look_seen = False
        self.loop_epfd = None
        try:
            self.look_fd = os.open(f"/proc/{self.pid}/task/{self.pid}/wchan", os.O_RDONLY)
        except OSError:
            self.look_fd = -1
        try:
            self.look_sys = os.open(f"/proc/{self.pid}/task/{self.pid}/syscall", os.O_RDONLY)
            os.read(self.look_sys, 256)  # readable here (ptrace access), or not at all
        except OSError:
            if self.look_sys >= 0:
                os.close(self.look_sys)
            self.look_sys = -1
        self._ph.heartbeat(monitor + "_waits")
        if self.look_fd >= 0:
            self._at(self._ph.now_ns() + int(LOOK_S * 1e9), "look", None)

    def _look_end(self, monitor: str) -> None:
        self._ph.heartbeat(monitor + "_waits")
        if self.look_fd >= 0:
            os.close(self.look_fd)
            self.look_fd = -1
        if self.look_sys >= 0:
            os.close(self.look_sys)
            self.look_sys = -1

    def _at(self, due_ns: int, kind: str, data: Any) -> list:
        self.seq += 1
        entry = [due_ns, self.seq, kind, data]
        heapq.heappush(self.timers, entry)
        return entry

    def _answer(self, op: Any, msg: dict) -> None:
        if op == "feed":
            self._feed(msg)
        elif op == "cb":
            self._callback(msg)
        elif op == "llm":
            self._llm(msg)
        elif op == "llm_cancel":
            self._llm_cancel(msg)
        elif op == "pong":
            if self.monitor is not None and self.ping_out is not None and \
                    msg.get("n") == self.ping_out and type(msg.get("n")) is int:
                self.ping_out = None
                self._ph.heartbeat(self.monitor)
                self._at(self._ph.now_ns() + int(PING_S * 1e9), "ping", None)
        else:
            raise ProtocolError(f"an unexpected message {str(op)[:20]!r}")

    def _feed(self, msg: dict) -> None:
        it = self.feeds.get(msg.get("id"))  # type: ignore[arg-type]
        want = msg.get("n")
        if it is None or type(want) is not int:
            raise ProtocolError("a feed request for no feed")
        items: list = []
        reply: dict[str, Any] = {"op": "fed", "items": items}
        fid = msg["id"]
        done = self.fed_counts.get(fid, 0)
        if done >= FEED_LIMIT:
            # No check needs this much of one input: the submission is
            # storing a stream (an endless one, likely) it should consume.
            reply["raise"] = {"type": "MemoryError", "module": "builtins", "bases": [],
                              "args": [], "msg": "",
                              "desc": {"type": "MemoryError", "traceback": "",
                                       "message": f"the submission read more than {FEED_LIMIT:,} "
                                       "items of one input without giving anything back: "
                                       "an endless stream cannot be stored"}}
            self.wire.send(reply)
            return
        n = max(1, min(want, FEED_CHUNK_MAX, FEED_LIMIT - done))
        self.fed_counts[fid] = done + n
        enc, scalar = self.encode, _SCALARS
        try:
            for _ in range(n):
                v = next(it)
                items.append(v if type(v) in scalar else enc(v))
        except StopIteration:
            reply["stop"] = True
        except Exception as exc:
            reply["raise"] = exception_info(exc, self.encode)
        self.wire.send(reply)

    def _callback(self, msg: dict) -> None:
        fn = self.callbacks.get(msg.get("id"))  # type: ignore[arg-type]
        if fn is None:
            raise ProtocolError("a callback request for no callback")
        try:
            args = self.decode(msg.get("a", []))
            value = fn(*args)
            reply = {"op": "cbre", "ok": self.encode(value)}
        except (WorkerGone, ProtocolError):
            raise
        except Exception as exc:
            reply = {"op": "cbre", "raise": exception_info(exc, self.encode)}
        self.wire.send(reply)

    # ---- the fake LLM service
    def _llm(self, msg: dict) -> None:
        cid, prompt, call = msg.get("c"), msg.get("p"), msg.get("id")
        if type(cid) is not int or type(call) is not int or call in self.calls:
            raise ProtocolError("a malformed model call")
        if type(prompt) is not str:
            self.wire.send({"op": "llm_done", "id": call, "err": "type"})
            return
        try:
            token, delay, fails = self._ph.client_begin(cid, prompt)
        except ValueError:
            raise ProtocolError("a model call on no client") from None
        if token < 0:
            self.wire.send({"op": "llm_done", "id": call, "err": "429"})
            return
        entry = self._at(self._ph.now_ns() + int(delay * 1e9), "llm", [call, token, fails])
        self.calls[call] = [token, entry]

    def _llm_done(self, data: list) -> None:
        call, token, fails = data
        if self.calls.pop(call, None) is None:
            return
        answer = self._ph.client_end(token)
        if fails:
            self.wire.send({"op": "llm_done", "id": call, "err": "500"})
        else:
            self.wire.send({"op": "llm_done", "id": call, "ok": answer})

    def _llm_cancel(self, msg: dict) -> None:
        pending = self.calls.pop(msg.get("id"), None)  # type: ignore[arg-type]
        if pending is None:
            return
        token, entry = pending
        entry[2] = "cancelled"
        self._ph.client_cancel(token)

    # ---- one check, one run
    def run_async(self, fn: Any, args: tuple, kwargs: dict, monitor: str | None,
                  timeout: float | None, count_tasks: str | None) -> Any:
        if not isinstance(fn, (Remote, Attr, Inside)):
            raise TypeError("h.run_async(label, fn, ...): fn must be the submission's "
                            "coroutine function or an @inside one")
        ph = self._ph
        if monitor:
            ph.heartbeat(monitor)
            ph.heartbeat(monitor + "_blocked")
            ph.heartbeat(monitor + "_asleep")
        if count_tasks:
            ph.heartbeat(count_tasks)
        self.monitor = monitor
        self.ping_out = None
        if monitor:
            self._at(ph.now_ns() + int(PING_S * 1e9), "ping", None)
            self._look_start(monitor)
        fn_enc = self.encode(fn)
        try:
            return self.request({"op": "async", "fn": fn_enc, "a": self.encode(list(args)),
                                 "k": self.encode(kwargs), "monitor": bool(monitor),
                                 "timeout": timeout, "tasks": bool(count_tasks)},
                                )
        finally:
            counts = self._counts
            self._counts = {}
            if monitor:
                ph.heartbeat(monitor)
                self._look_end(monitor)
                for _ in range(min(int(counts.get("blocked", 0)), 1000)):
                    ph.heartbeat(monitor + "_blocked")
            if count_tasks:
                for _ in range(min(int(counts.get("tasks", 0)), 100000)):
                    ph.heartbeat(count_tasks)
            self.monitor = None
            self.timers = [t for t in self.timers if t[2] == "llm"]
            heapq.heapify(self.timers)

    _counts: dict = {}

    def iterate_async(self, fn: Any, args: tuple, kwargs: dict,
                      timeout: float | None) -> tuple[list, list[int]]:
        """h.iterate_async in a split run: the worker keeps an event loop
        and the iterator; each step is a request timed here."""
        if not isinstance(fn, (Remote, Attr, Inside)):
            raise TypeError("h.iterate_async(fn, ...): fn must be the submission's "
                            "async generator function")
        ph = self._ph
        t0 = ph.now_ns()
        end = t0 + int(timeout * 1e9) if timeout is not None else None
        self.request({"op": "aiter_open", "fn": self.encode(fn), "a": self.encode(list(args)),
                      "k": self.encode(kwargs)})
        items: list = []
        times: list[int] = []
        try:
            while True:
                left = None if end is None else max(0.0, (end - ph.now_ns()) / 1e9)
                try:
                    item = self.request({"op": "aiter_next", "timeout": left})
                except StopAsyncIteration:
                    break
                times.append(ph.now_ns() - t0)
                items.append(item)
        finally:
            if not self.gone:
                self.request({"op": "aiter_close"})
        return items, times

    def end_check(self) -> list[str]:
        """Drop the check's handles, feeds and pending calls; the tampering
        the worker noticed and the runner saw, for the check's frame."""
        self.feeds.clear()
        self.fed_counts.clear()
        self.callbacks.clear()
        self._close_fifos()
        self.timers = []
        self.calls.clear()
        self.deadline_ns = 0
        self.dumped = False
        if not self.gone:
            try:
                # One way: the worker drops the check's handles before it
                # reads the next request; what it noticed comes with that reply.
                self.wire.send({"op": "end_check"})
            except (WorkerGone, ProtocolError):
                self.gone = True
        out, self.tamper = self.tamper, []
        return out

    def set_deadline(self, ns: int) -> None:
        self.deadline_ns = ns
        self.dumped = False

    def bye(self) -> None:
        """Tell the worker the run is over and wait until its output is
        flushed (it answers, or goes).  The run is weighed meanwhile (a
        stream's flush() is the submission's code, and so is what its
        threads and children do after the last check), and the wait is
        short: past BYE_WAIT_S the run is stopped, and it did not finish."""
        self.between_requests(False)
        if self.gone:
            return
        end = self._ph.now_ns() + int(BYE_WAIT_S * 1e9)
        try:
            self.wire.send({"op": "bye"})
            while True:
                now = self._ph.now_ns()
                if now >= end:
                    self.stopped = (f"the worker did not end within {BYE_WAIT_S:g} s of the last "
                                    "check (code of the submission ran on after the checks: an "
                                    "output stream's flush(), a thread or a child process)")
                    self.stopped_type = "TimeoutError"
                    self._ph.kill_run()
                    self.gone = True
                    return
                wait = self._sample_if_due(now)
                left = (end - now) / 1e9
                msg = self.wire.recv(left if wait is None else min(wait, left))
                if msg is not None and msg.get("op") == "bye":
                    if type(msg) is not Sealed:
                        raise ProtocolError("a goodbye not sealed by the harness's serving loop "
                                            "(a frame the submission wrote on the harness's "
                                            "socket)")
                    # Weighed once more: a spike just before the answer counts.
                    self._sample(self._ph.now_ns())
                    return
        except ProtocolError as exc:
            if self.stopped is None:
                self.protocol_stop(str(exc))
            self.gone = True
        except WorkerGone:
            self.gone = True

    def between_requests(self, on: bool) -> None:
        """Weigh the run every MEMORY_SAMPLE_S of the runner's own time
        while check code runs between requests (a timer signal; inside a
        request, _serve weighs it).  Over a quota, the run is stopped at
        once; the check's next request reports it."""
        if on and self._sampling() and not self.gone:
            signal.signal(signal.SIGALRM, self._on_timer)
            signal.siginterrupt(signal.SIGALRM, False)  # system calls resume (SA_RESTART)
            signal.setitimer(signal.ITIMER_REAL, MEMORY_SAMPLE_S, MEMORY_SAMPLE_S)
        else:
            signal.setitimer(signal.ITIMER_REAL, 0, 0)

    def weigh_now(self) -> None:
        """Weigh the run at once, outside a request (check code met a full
        folder: the quota, not ENOSPC, is then why the run stops).  Over a
        quota, the run is stopped; the check's next request reports it."""
        if self.stopped is not None or self.gone or not self._sampling():
            return
        try:
            self._sample(self._ph.now_ns())
        except Exception:  # WorkerGone: stopped; never raised into check code
            self.gone = True

    def _on_timer(self, signum: int, frame: Any) -> None:
        if self.in_request or self.stopped is not None or self.gone:
            return
        now = self._ph.now_ns()
        if now < self.next_sample_ns:
            return
        try:
            self._sample(now)
        except Exception:  # WorkerGone: stopped; never raised into check code
            self.gone = True


def prepare(fd: int, worker_pid: int, checks: dict) -> None:
    """Make the runner's end of a run before its job arrives (off the run's
    clock): the @inside functions are marshalled now."""
    global _current
    r = _Runner(fd, worker_pid)
    _current = r
    namespace: dict = {}
    for fn in checks.values():
        g = getattr(fn, "__globals__", None)
        if isinstance(g, dict):
            namespace = g
            break
    r.shipped = [_ship(v, namespace) for v in namespace.values() if isinstance(v, Inside)]


def start(fd: int, worker_pid: int, checks: dict, disk: tuple[str, int, int] | None = None,
          memory_limit: int = 0) -> tuple[Remote | None, Any, list]:
    """The runner's side of a run: wait for the worker's import report, ship
    the @inside functions.  `disk` is (the run's folder, bytes, entries) and
    `memory_limit` what the run may grow by: both watched from now on, the
    import included.  Returns (sub, import error or None, tamper)."""
    r = _current
    if r is None or r.wire.fd != fd or r.pid != worker_pid:
        prepare(fd, worker_pid, checks)
        r = _current
    assert r is not None
    r.wire.watch(worker_pid)
    if disk is not None:
        r.set_disk_limit(*disk)
    if memory_limit > 0:
        r.set_memory_limit(memory_limit)
    try:
        ready = r.wait_ready()
    except WorkerGone:
        if r.stopped is None:
            raise
        # Stopped while importing: an import error that says why.
        return None, r.stop_report(), []
    if ready is None or ready.get("op") != "ready":
        r.protocol_stop("its first frames were not its key and the sealed report of its "
                        "import (a frame the submission wrote on the harness's socket)")
        return None, r.stop_report(), []
    tamper = [str(t)[:200] for t in ready.get("tamper", [])[:10]] if \
        type(ready.get("tamper")) is list else []
    if "error" in ready:
        err = ready["error"]
        if r.disk is not None:
            # The run's folder is a file system of its quota's size: an
            # import that filled it failed with ENOSPC from the kernel, maybe
            # before a sample was due.  Weighed now, the quota's own message
            # says why, as it would have a moment later.
            try:
                r._sample_disk()
            except WorkerGone:
                return None, r.stop_report(), tamper
        return None, err if type(err) is dict else {"type": "?", "message": "?"}, tamper
    if r.disk is not None:
        # An import that filled the folder and swallowed its ENOSPC may end
        # between two samples: weighed now, before any check, the run is
        # stopped by its quota at once instead of after a check or two
        # (which made the same file's score depend on the sample's timing).
        try:
            r._sample_disk()
        except WorkerGone:
            return None, r.stop_report(), tamper
    names = ready.get("callables")
    if type(names) is list:
        r.callables = frozenset(n for n in names if type(n) is str)
    if r.shipped:
        try:
            r.request({"op": "load", "fns": r.shipped})
        except ProtocolError:
            if r.stopped is None:
                raise
            return None, r.stop_report(), tamper
    sub = Remote(0, "module")
    r.remotes[0] = sub
    return sub, None, tamper


def runner() -> _Runner | None:
    return _current


# --------------------------------------------------------------------------- worker side

class _Worker:
    """The worker's end: the submission's objects behind handles, requests
    answered one at a time.  Its replies are sealed only for the one loop C
    starts after the import (serve_gate.h); a subclass is refused too."""

    # Slots, no __dict__: an instance attribute cannot shadow a method the
    # loop calls (red-team 13's cvt_unseal_fixup set w.run on the live
    # worker and the loop sealed whatever it returned).  `_ph` is a class
    # attribute, not a slot, so it cannot be rebound on the instance either
    # (the gate snapshots this class's dict).
    __slots__ = ("wire", "module", "describe", "sealed", "objs", "ids", "next_id",
                 "ns", "futures", "call_ids", "loops", "counts", "clients", "notes", "aiter",
                 "lock", "cv", "reading", "stash", "waiting", "replies", "services")
    try:
        import _pyharness as _ph
    except ImportError:  # the runner side, which never makes a _Worker
        _ph = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        raise TypeError("pyharness.remote._Worker cannot be subclassed")

    def __init__(self, fd: int, module: Any, describe: Callable[[BaseException], Any],
                 _unused: Any = None) -> None:  # the tamper callable once: the loop's now
        import _pyharness
        self.wire = Wire(fd)
        self.module = module
        self.describe = describe
        # What the worker hands the submission (fed iterators, callbacks,
        # fake clients) reaches this loop only through a sealed handle,
        # which gives it back to the harness's code alone.
        self.sealed = _pyharness.seal(self)
        self.reset()
        # The @inside functions live in a C table (_pyharness.inside_seal):
        # no Python container of the worker holds them.
        self.ns: dict[str, Any] | None = {"__name__": "pyharness_inside",
                                   "__builtins__": dict(vars(builtins))}
        self.futures: dict[int, Any] = {}
        self.call_ids = itertools.count(1)  # model and blocking calls: next() is atomic
        self.loops: "weakref.WeakSet[Any]" = weakref.WeakSet()
        self.counts: dict[str, int] = {}
        self.clients: dict[int, Any] = {}
        self.notes: list[str] = []  # tampering the serving code itself noticed
        self.aiter: tuple[Any, Any] | None = None  # h.iterate_async's (loop, iterator)
        self.lock = threading.RLock()  # a request back to the runner and its answer
        # One reader of the socket at a time (the serving loop, a thread
        # waiting for a blocking call's answer, an event loop's pump): the
        # reader holds `reading`; what it reads for others is put aside.
        self.cv = threading.Condition(threading.Lock())
        self.reading = False
        self.stash: list[dict] = []  # messages for the serving loop or a callback's caller
        self.waiting: set[int] = set()  # blocking calls awaiting their answers
        self.replies: dict[int, dict] = {}  # their answers, once read
        self.services: dict[int, Blocking] = {}

    def reset(self) -> None:
        self.objs: dict[int, Any] = {0: self.module}
        self.ids: dict[int, int] = {id(self.module): 0}
        self.next_id = 1

    # ---- values
    def handle(self, v: Any) -> dict:
        hid = self.ids.get(id(v))
        if hid is None or self.objs.get(hid) is not v:
            hid = self.next_id
            self.next_id += 1
            self.objs[hid] = v
            self.ids[id(v)] = hid
        return {"$h": [hid, str(type(v).__name__)[:NAME_MAX]]}

    def encode(self, v: Any, depth: int = 0) -> Any:
        if depth > DEPTH_MAX:
            return self.handle(v)
        data = encode_data(v, self.encode, depth)
        if data is not _NOT_DATA:
            return data
        enc = self.encode
        if isinstance(v, BaseException):
            return {"$e": exception_info(v, lambda a: enc(a, depth + 1))}
        return self.handle(v)

    def decode(self, v: Any, depth: int = 0) -> Any:
        if depth > DEPTH_MAX:
            raise ProtocolError("too deep")
        t = type(v)
        if v is None or t in (bool, int, float, str):
            return v
        dec = self.decode
        if t is list:
            return [dec(x, depth + 1) for x in v]
        (tag, p), = v.items()
        if tag == "$t":
            return tuple(dec(x, depth + 1) for x in p)
        if tag == "$d":
            return {dec(k, depth + 1): dec(x, depth + 1) for k, x in p}
        if tag == "$s":
            return {dec(x, depth + 1) for x in p}
        if tag == "$f":
            return frozenset(dec(x, depth + 1) for x in p)
        if tag == "$b":
            return base64.b64decode(p)
        if tag == "$ba":
            return bytearray(base64.b64decode(p))
        if tag == "$r":
            return range(*p)
        if tag == "$h":
            return self.objs[p]
        if tag == "$i":
            return self._ph.inside_get(p)
        if tag == "$a":
            return getattr(self.module, p)
        if tag == "$c":
            return self.client(p)
        if tag == "$blk":
            return self.service(p)
        if tag == "$k":
            return dict.fromkeys(dec(p, depth + 1)).keys()
        if tag == "$v":
            return dict(enumerate(dec(p, depth + 1))).values()
        if tag == "$it":
            return dict(dec(p, depth + 1)).items()
        if tag == "$e":
            return make_exception(p, dec)
        if tag == "$et":
            return exception_class(p)
        if tag == "$bf":
            return getattr(builtins, p)
        if tag == "$md":
            return getattr(getattr(builtins, p[0]), p[1])
        if tag == "$I":
            return int(p, 16)
        if tag == "$feed":
            return Fed(self.sealed, p)
        if tag == "$cb":
            return Callback(self.sealed, p)
        raise ProtocolError(f"unknown tag {tag!r}")

    # ---- messages
    def read(self, timeout_s: float | None = None, call: int | None = None) -> dict | None:
        """The next message, once no other thread is reading; None after
        `timeout_s`, or as soon as blocking call `call` has its answer.
        Without `call`, messages another reader put aside come first."""
        with self.cv:
            while True:
                if call is None and self.stash:
                    return self.stash.pop(0)
                if call is not None and call in self.replies:
                    return None
                if not self.reading:
                    break
                self.cv.wait()
            self.reading = True
        try:
            return self.wire.recv(timeout_s)
        finally:
            self._done_reading()

    def _done_reading(self) -> None:
        with self.cv:
            self.reading = False
            self.cv.notify_all()

    def recv_for(self, wanted: str) -> dict:
        """Block for the message `wanted`; model answers and pings that come
        first are dealt with on the way."""
        while True:
            msg = self.read()
            assert msg is not None
            if msg.get("op") == wanted:
                return msg
            self.dispatch_async(msg)

    def dispatch_async(self, msg: dict) -> None:
        if not self.route(msg):
            raise ProtocolError(f"unexpected {msg.get('op')!r} while a request runs")

    def route(self, msg: dict) -> bool:
        """Deal with a message that is nobody's reply: a ping, a model's or a
        blocking call's answer.  False for anything else."""
        op = msg.get("op")
        if op == "ping":
            self.wire.send({"op": "pong", "n": msg.get("n")})
            return True
        if op != "llm_done":
            return False
        call = msg.get("id")
        with self.cv:
            if call in self.waiting:
                self.replies[call] = msg  # type: ignore[index]
                self.cv.notify_all()
                return True
        fut = self.futures.pop(call, None)  # type: ignore[arg-type]
        if fut is not None and not fut.done():
            loop = fut.get_loop()
            try:
                here = sys.modules["asyncio"].get_running_loop() is loop
            except RuntimeError:
                here = False
            if here:
                fut.set_result(msg)
            else:  # read by another thread (a blocking call's waiter)
                loop.call_soon_threadsafe(_settle, fut, msg)
        return True

    def wait_answer(self, call: int) -> dict:
        """A blocking call's answer: read until it comes (or another reader
        brings it)."""
        while True:
            with self.cv:
                msg = self.replies.pop(call, None)
            if msg is not None:
                return msg
            got = self.read(BLOCKING_POLL_S, call)
            if got is not None and not self.route(got):
                with self.cv:
                    self.stash.append(got)
                    self.cv.notify_all()

    def pump(self) -> None:
        """Readable socket under an event loop: take what came (unless another
        thread is reading: it routes the loop's answers itself)."""
        with self.cv:
            if self.reading:
                return
            self.reading = True
        try:
            os.set_blocking(self.wire.fd, False)
            try:
                self.wire.fill()
            finally:
                os.set_blocking(self.wire.fd, True)
            while True:
                msg = self.wire._take()
                if msg is None:
                    return
                self.dispatch_async(msg)
        finally:
            self._done_reading()

    def attach(self, loop: Any) -> None:
        if loop not in self.loops:
            # Through the sealed handle: a loop's reader callbacks are
            # reachable from the submission (get_running_loop()._selector).
            loop.add_reader(self.wire.fd, _pump, self.sealed)
            self.loops.add(loop)

    def client(self, cid: int) -> Any:
        return self._endpoint(self.clients, RemoteClient, cid)

    def service(self, cid: int) -> "Blocking":
        return self._endpoint(self.services, Blocking, cid)

    def _endpoint(self, table: dict, cls: type, cid: int) -> Any:
        """The worker's end of a runner-side service, one per service id and
        check (the runner numbers a check's services afresh: an endpoint
        kept from an earlier check would be another check's object)."""
        e = table.get(cid)
        if e is None:
            e = cls(self.sealed, cid)
            table[cid] = e
        return e

    # ---- the loop
    def serve(self, tamper_now: Callable[[], list]) -> None:
        """Answer requests until the runner says goodbye.  `tamper_now` is C's
        (what the watched modules' snapshots find), given by the caller and
        held by this frame only: no attribute of the worker, so a submission
        that reaches the worker cannot swap it (red-team 13's
        cvt_tamper_hide set w.tamper = lambda: [] and hid a rebinding)."""
        sealed_refused = getattr(type(self.sealed), "violation", lambda: None)
        told = False
        while True:
            msg = self.read()
            assert msg is not None
            op = msg.get("op")
            if op == "bye":
                _flush_streams()
                # Sealed like a reply: the runner ends its wait for the run's
                # end only on this frame (a stream's flush() is the
                # submission's code, and could write a goodbye of its own).
                self.wire.send_raw(self._ph.serve_seal({"op": "bye"}))
                return
            if op == "llm_done" and self.aiter is not None:
                # The iterator's loop waits for its next step: the answer is
                # its own, delivered when that step runs the loop.
                self.dispatch_async(msg)
                continue
            if op == "llm_done":
                # A thread the last request left behind may still wait for
                # its answer; otherwise late: its request is over.
                self.route(msg)
                continue
            if op == "ping":
                continue  # late: the request it belonged to is over
            if op == "end_check":
                self.reset()
                self.futures.clear()
                self.clients.clear()
                self.services.clear()
                continue
            self.counts = {}
            reply: dict[str, Any] = {"op": "re", "q": msg.get("q")}
            span = self._ph.inside_open()
            try:
                value = self.run(op, msg)
                reply["ok"] = self.encode(value)
            except (WorkerGone, ProtocolError):
                raise
            except BaseException as exc:  # what the submission raised is the answer
                passed = msg.get("_passing")
                reply["raise"] = exception_info(exc, self.encode, self.describe)
                if passed is not None and exc is passed:
                    reply["same"] = True
            reply["fig"] = list(self._ph.inside_close(span))
            if self.counts:
                reply["counts"] = self.counts
            tamper = list(tamper_now()) + self.notes
            self.notes = []
            refused = sealed_refused()
            if refused is not None and not told:
                told = True  # the first refused opening, once (C keeps it)
                tamper.append(refused)
            if tamper:
                reply["tamper"] = tamper
            # Sealed here, in this frame: serve_seal refuses any other.
            try:
                frame = self._ph.serve_seal(reply)
            except (ValueError, MemoryError) as exc:  # over MESSAGE_MAX: say so, not die
                answer = reply.pop("ok", None)
                answer = reply.pop("raise", None) if answer is None else answer
                reply.pop("same", None)
                reply["raise"] = exception_info(_frame_too_big(exc, answer), self.encode,
                                                self.describe)
                del answer
                frame = self._ph.serve_seal(reply)
            self.wire.send_raw(frame)

    def run(self, op: str, msg: dict) -> Any:
        # Calls into the submission go through _pyharness.cut: the frames
        # they run in do not lead back to this loop (f_back ends there).
        cut = self._ph.cut
        if op == "call":
            fn = self.objs[msg["h"]]
            if "attr" in msg:
                fn = cut(getattr, fn, msg["attr"])
            return cut(fn, *self.decode(msg["a"]), **self.decode(msg["k"]))
        if op == "getattr":
            return getattr(self.objs[msg["h"]], msg["name"])
        if op == "setattr":
            setattr(self.objs[msg["h"]], msg["name"], self.decode(msg["v"]))
            return None
        if op == "iter":
            return cut(iter, self.objs[msg["h"]])
        if op == "next":
            return cut(next, self.objs[msg["h"]])
        if op == "enter":
            return self.objs[msg["h"]].__enter__()
        if op == "exit":
            et, ev, _ = self.decode(msg["a"])
            msg["_passing"] = ev
            return self.objs[msg["h"]].__exit__(et, ev, ev.__traceback__ if ev else None)
        if op == "len":
            return len(self.objs[msg["h"]])
        if op == "bool":
            return bool(self.objs[msg["h"]])
        if op == "getitem":
            return self.objs[msg["h"]][self.decode(msg["a"])]
        if op == "contains":
            return self.decode(msg["a"]) in self.objs[msg["h"]]
        if op == "inside":
            # Verified against what was sealed before and after the call.
            return self._ph.inside_call(msg["name"], tuple(self.decode(msg["a"])),
                                        self.decode(msg["k"]))
        if op == "async":
            return self.run_async(msg)
        if op in ("aiter_open", "aiter_next", "aiter_close"):
            return self.aiter_step(op, msg)
        if op == "load":
            self.load(msg["fns"])
            return None
        raise ProtocolError(f"unknown request {op!r}")

    def load(self, fns: list) -> None:
        ns = self.ns
        if ns is None:
            raise ProtocolError("the @inside functions are loaded already")
        made: dict[str, Any] = {}
        for name, code, globs, defaults in fns:
            fn = _FunctionType(_marshal_loads(_b64decode(code)), ns, name)
            if defaults is not None:
                fn.__defaults__ = tuple(self.decode(defaults))
            made[name] = fn
        for name, code, globs, defaults in fns:
            for gname, kind, value in globs:
                if kind == "module":
                    self.ns[gname] = importlib.import_module(value)
                elif kind == "inside":
                    self.ns[gname] = made[value]
                elif kind == "value":
                    self.ns[gname] = self.decode(value)
                elif kind == "attr":
                    obj: Any = importlib.import_module(value[0])
                    for part in value[1].split("."):
                        obj = getattr(obj, part)
                    self.ns[gname] = obj
        # From here the functions, their globals and builtins are C's to
        # verify around every call; the worker keeps no reference to them.
        self._ph.inside_seal(made, ns)
        self.ns = None

    def run_async(self, msg: dict) -> Any:
        fn = self.decode(msg["fn"])
        args, kwargs = self.decode(msg["a"]), self.decode(msg["k"])
        import asyncio

        timeout = msg.get("timeout")
        counts = self.counts
        worker = self

        async def main() -> Any:
            loop = asyncio.get_running_loop()
            worker.attach(loop)
            if msg.get("monitor"):
                _watch_selector(loop, counts)
            await asyncio.sleep(0)
            aw = fn(*args, **kwargs)
            if timeout is None:
                return await aw
            return await asyncio.wait_for(aw, timeout)

        if not msg.get("tasks"):
            return asyncio.run(main())
        # Every Task registers itself in asyncio.tasks._all_tasks, however it
        # was made (a loop's factory, asyncio.Task(...) itself, a subclass):
        # counted there, not in a task factory the submission could unset.
        registry = asyncio.tasks._all_tasks
        add = registry.add

        def counting_add(task: Any) -> None:
            counts["tasks"] += 1
            add(task)

        counts["tasks"] = 0
        registry.add = counting_add
        try:
            return asyncio.run(main())
        finally:
            if registry.__dict__.get("add") is not counting_add:
                self.notes.append("the harness's task counter was removed during the run")
            registry.__dict__.pop("add", None)


    def aiter_step(self, op: str, msg: dict) -> Any:
        import asyncio

        if op == "aiter_open":
            if self.aiter is not None:
                raise ProtocolError("an async iteration is already open")
            fn = self.decode(msg["fn"])
            args, kwargs = self.decode(msg["a"]), self.decode(msg["k"])
            loop = asyncio.new_event_loop()
            self.attach(loop)
            try:
                it = fn(*args, **kwargs).__aiter__()
            except BaseException:
                loop.close()
                raise
            self.aiter = (loop, it)
            return None
        if self.aiter is None:
            raise ProtocolError("no async iteration is open")
        loop, it = self.aiter
        if op == "aiter_next":
            timeout = msg.get("timeout")
            step = it.__anext__()
            if type(timeout) in (int, float):
                step = asyncio.wait_for(step, timeout)
            asyncio.set_event_loop(loop)
            try:
                return loop.run_until_complete(step)
            finally:
                asyncio.set_event_loop(None)
        self.aiter = None
        try:
            aclose = getattr(it, "aclose", None)
            if aclose is not None:
                loop.run_until_complete(aclose())
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
        return None


def _watch_selector(loop: Any, counts: dict) -> None:
    """Count the loop thread's voluntary context switches outside select():
    a correct loop sleeps in the kernel only there; any other voluntary
    switch on its thread is a blocking call (the worker's own report)."""
    selector = getattr(loop, "_selector", None)
    if selector is None:
        return
    who, getrusage = _RUSAGE_THREAD, _getrusage
    inner = selector.select
    counts["blocked"] = 0
    state = [getrusage(who).ru_nvcsw]

    def select(timeout: Any = None) -> Any:
        counts["blocked"] += getrusage(who).ru_nvcsw - state[0]
        try:
            return inner(timeout)
        finally:
            state[0] = getrusage(who).ru_nvcsw

    selector.select = select


def _flush_streams() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        try:
            if stream is not None:
                stream.flush()
        except BaseException:  # the submission's own stream object may refuse
            pass


class Fed:
    """An iterator whose items come from the runner, asked for one request
    at a time (the runner counts what was asked)."""

    __slots__ = ("_w", "_id", "_buf", "_done", "_asked", "_error")

    def __init__(self, w: Any, fid: int) -> None:  # w: the worker, sealed
        self._w, self._id, self._buf, self._done, self._asked = w, fid, [], False, 0
        self._error: dict | None = None  # raised once the items before it are used

    def __iter__(self) -> "Fed":
        return self

    def __next__(self) -> Any:
        if not self._buf:
            if self._error is not None:
                error, self._error = self._error, None
                raise make_exception(error, self._w().decode)
            if self._done:
                raise StopIteration
            # One at a time first (laziness is judged on the first few
            # items), then in growing chunks (a long stream stays cheap).
            n = 1 if self._asked < 64 else min(FEED_CHUNK_MAX, self._asked)
            w = self._w()
            with w.lock:
                w.wire.send({"op": "feed", "id": self._id, "n": n})
                msg = w.recv_for("fed")
            dec = w.decode
            items = [x if type(x) in _SCALARS else dec(x) for x in msg.get("items", [])]
            self._asked += len(items)
            self._buf = items[::-1]
            if msg.get("stop"):
                self._done = True
            if "raise" in msg:
                self._done = True
                self._error = msg["raise"]
            if not self._buf:
                return self.__next__()
        return self._buf.pop()


class Callback:
    """A callable of the runner's, called from the worker."""

    __slots__ = ("_w", "_id")

    def __init__(self, w: Any, cid: int) -> None:  # w: the worker, sealed
        self._w, self._id = w, cid

    def __call__(self, *args: Any) -> Any:
        # One call at a time: answers carry no id (threads of the submission
        # may call back at once).
        w = self._w()
        with w.lock:
            w.wire.send({"op": "cb", "id": self._id, "a": w.encode(list(args))})
            msg = w.recv_for("cbre")
        if "raise" in msg:
            raise make_exception(msg["raise"], w.decode)
        return w.decode(msg.get("ok"))


class RemoteClient:
    """The fake LLM client a submission uses: every call is answered by the
    runner, which keeps the counters, latencies and answers."""

    __slots__ = ("_w", "_cid", "name")

    def __init__(self, w: Any, cid: int) -> None:  # w: the worker, sealed
        self._w, self._cid, self.name = w, cid, "model"

    async def complete(self, prompt: str) -> str:
        """The model's answer to `prompt`, or RateLimitError / CompletionError."""
        import asyncio

        from .checklib import CompletionError, RateLimitError

        w = self._w()
        loop = asyncio.get_running_loop()
        w.attach(loop)
        call = next(w.call_ids)
        fut = loop.create_future()
        w.futures[call] = fut
        w.wire.send({"op": "llm", "c": self._cid, "p": prompt, "id": call})
        try:
            msg = await fut
        except BaseException:
            if w.futures.pop(call, None) is not None or not fut.done():
                w.wire.send({"op": "llm_cancel", "id": call})
            raise
        err = msg.get("err")
        if err == "429":
            raise RateLimitError("429 Too Many Requests: more than the server's cap in flight")
        if err == "500":
            raise CompletionError(f"500 model error on prompt {prompt!r}")
        if err == "type":
            raise TypeError(f"complete() takes a str prompt, not {type(prompt).__name__}")
        return msg.get("ok")


class Blocking:
    """A blocking service's function, as the submission gets it: each call
    blocks the calling thread until the runner answers (after the call's
    latency), so the runner sees how many calls are in flight at once."""

    __slots__ = ("_w", "_cid", "name")

    def __init__(self, w: Any, cid: int) -> None:  # w: the worker, sealed
        self._w, self._cid, self.name = w, cid, "service"

    def __call__(self, key: str) -> str:
        if type(key) is not str:
            raise TypeError(f"{self.name}() takes a str key, not {type(key).__name__}")
        w = self._w()
        call = next(w.call_ids)
        with w.cv:
            w.waiting.add(call)
        try:
            w.wire.send({"op": "llm", "c": self._cid, "p": key, "id": call})
            msg = w.wait_answer(call)
        finally:
            with w.cv:
                w.waiting.discard(call)
                w.replies.pop(call, None)
        err = msg.get("err")
        if err == "429":
            raise ConnectionRefusedError(f"{self.name}: too many calls in flight")
        if err is not None:
            raise ConnectionError(f"{self.name}: the service failed on {key!r}")
        return msg.get("ok")

    def __repr__(self) -> str:
        return f"<blocking service {self.name}>"

    def __reduce__(self) -> Any:
        raise TypeError(f"{self.name}() is a blocking service: call it from threads of this "
                        "process; it cannot be sent to another process")


def _pump(sealed: Any) -> None:
    sealed().pump()


def _seal_openers() -> None:
    """Give C the only code a sealed handle opens for: the functions whose job
    is to use the worker behind it.  Any other frame, a runtime function's
    included, is refused (red-team 13: make_exception and exception_info
    called a caller's callable on a caller's sealed handle and opened it).
    Runs once, at this module's import in the sandbox host (before any
    submission); a second call is refused by C."""
    try:
        import _pyharness
    except ImportError:  # the runner side of tests without the embedded module
        return
    openers = getattr(type(_pyharness.seal(None)), "openers", None)
    if openers is None:  # a test's stand-in for the embedded module
        return
    openers(Fed.__next__, Callback.__call__, RemoteClient.complete, Blocking.__call__, _pump)


_seal_openers()


def _settle(fut: Any, msg: dict) -> None:
    if not fut.done():
        fut.set_result(msg)


def _encoded_at_least(v: Any, limit: int) -> int:
    """A lower bound of the JSON size of `v` (an encoded value), walked
    only as far as `limit`: every string is at least its length in bytes."""
    total, stack = 0, [v]
    while stack and total <= limit:
        x = stack.pop()
        if type(x) is str:
            total += len(x) + 2
        elif type(x) is list:
            total += len(x) + 1
            stack.extend(x)
        elif type(x) is dict:
            total += len(x) + 1
            stack.extend(x.keys())
            stack.extend(x.values())
        else:
            total += 1
    return total


def _frame_too_big(exc: BaseException, value: Any) -> BaseException:
    """What a reply that could not be sealed says instead.  A frame holds at
    most MESSAGE_MAX bytes: an answer over that is reported as such, with
    the limit, whether the seal refused it (ValueError) or encoding it ran
    the run out of memory first (MemoryError: the harness's copy of a huge
    answer, not the submission's own use, which its figures show)."""
    limit = MESSAGE_MAX // 2**20
    if isinstance(exc, ValueError):
        return OverflowError(f"the submission's answer is too large to observe: its frame is over "
                             f"the harness's {limit} MiB limit for a worker's frame ({exc})")
    del exc
    if _encoded_at_least(value, MESSAGE_MAX) > MESSAGE_MAX:
        return OverflowError(f"the submission's answer is too large to observe: its frame would "
                             f"be over the harness's {limit} MiB limit for a worker's frame "
                             "(the run ran out of memory encoding it)")
    return MemoryError("the run ran out of memory while the harness encoded the submission's "
                       "answer")


def serve(fd: int, module: Any, import_error: BaseException | None, display: str,
          tamper: Callable[[], list]) -> None:
    """The worker's side of a run: report the import, then answer requests
    until the runner says goodbye.  `display` is the submission's name in
    tracebacks; `tamper()` lists what the worker's own checks noticed.
    Called by C after the import, with no Python frame below: the frame
    binds the serving gate first, and it alone (and the _Worker.serve it
    calls) can seal the import report and the replies."""
    import _pyharness
    _pyharness.serve_bind()
    from .runtime import describe_exception

    def describe(exc: BaseException) -> Any:
        return describe_exception(exc, display)

    w = _Worker(fd, module, describe)
    ready: dict[str, Any] = {"op": "ready"}
    if import_error is not None:
        try:
            ready["error"] = describe(import_error)
        except BaseException:
            ready["error"] = {"type": type(import_error).__name__,
                              "message": "(the error could not be described)"}
    t = tamper()
    if t:
        ready["tamper"] = t
    if module is not None:
        kinds = (types.FunctionType, types.BuiltinFunctionType, type)
        ready["callables"] = [k for k, v in list(vars(module).items())[:5000]
                              if type(k) is str and isinstance(v, kinds)]
    w.wire.send_raw(_pyharness.serve_seal(ready))
    if import_error is None:
        w.serve(tamper)
