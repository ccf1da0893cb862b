"""Loading submissions and checks inside a worker, and describing failures.

Called from C (harness/run/: host_prep.c, check_runner.c, worker_proc.c).
Nothing here decides pass or fail: a check returns an observation, C
serialises it type-strictly, and the supervisor compares it with the
reference's observation outside this process.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import importlib.util
import io
import os
import posix
import sys
import time
import traceback
from types import CodeType, ModuleType
from typing import Any, Callable

__all__ = [
    "SubmissionError",
    "describe_exception",
    "exercise_imports",
    "load_checks",
    "load_workloads",
    "missing_names",
    "read_workloads",
    "scrub_environ",
    "submission_module",
]

MESSAGE_MAX = 600
TRACEBACK_LINES = 12


class SubmissionError(Exception):
    """The submission cannot be graded as written (e.g. a required name is missing)."""


def scrub_environ(keep: dict[str, str]) -> None:
    """Replace both of Python's copies of the environment with `keep`.

    os.environ is built from posix.environ at start-up; both still hold the
    host's variables (which may include API keys) after fork, so both go.
    """
    posix.environ.clear()
    os.environ._data.clear()  # type: ignore[attr-defined]
    for key, value in keep.items():
        _put_environ(key, value)


def _put_environ(key: str, value: str) -> None:
    """Set `key` in both copies without putenv(): C's environment is the
    host's business (host_prep.c sets it)."""
    posix.environ[key.encode()] = value.encode()
    os.environ._data[os.environ.encodekey(key)] = os.environ.encodevalue(value)  # type: ignore[attr-defined]


# Modules that a package loads only when first used, often inside code that
# is being measured (a pool starting its first process): preloaded with it.
COMPANIONS = {
    "multiprocessing": [
        "multiprocessing.pool", "multiprocessing.connection", "multiprocessing.spawn",
        "multiprocessing.popen_fork", "multiprocessing.popen_spawn_posix",
        "multiprocessing.popen_forkserver", "multiprocessing.forkserver",
        "multiprocessing.queues", "multiprocessing.synchronize",
        "multiprocessing.resource_tracker", "multiprocessing.shared_memory",
    ],
    "concurrent.futures": ["concurrent.futures.thread", "concurrent.futures.process",
                           "multiprocessing"],
    "asyncio": ["pyharness.fakellm"],
    "cProfile": ["pstats"],
}


def exercise_imports(paths: list[str]) -> list[str]:
    """The modules the exercise's own files import, anywhere in them, with
    their companions: what the sandbox host loads before the first worker,
    so that neither the checks nor a submission importing the same modules
    pays for it inside a run.  Unreadable or unparsable files are skipped."""
    import ast

    found: list[str] = []

    def add(name: str) -> None:
        if name and name not in found:
            found.append(name)
            for companion in COMPANIONS.get(name, []):
                add(companion)

    for path in paths:
        try:
            with open(path, "rb") as f:
                tree = ast.parse(f.read(), path)
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                add(node.module)
    return found


def load_checks(source: str | CodeType, filename: str) -> dict[str, Callable[..., Any]]:
    """Execute checks.py (source, or code the host compiled once) and return
    its `check_<name>` functions by name."""
    # A private copy of the builtins, taken before any submission runs: a
    # submission that rebinds builtins.list or builtins.next later does not
    # change what the checks call.
    namespace: dict[str, Any] = {
        "__name__": "pyharness_checks",
        "__file__": filename,
        "__builtins__": dict(vars(builtins)),
    }
    code = source if isinstance(source, CodeType) else compile(source, filename, "exec")
    exec(code, namespace)
    return {
        name[len("check_"):]: fn
        for name, fn in namespace.items()
        if name.startswith("check_") and callable(fn)
    }


WORKLOAD_PREFIX = "workload:"  # cannot collide with a check: not an identifier


def read_workloads(path: str) -> str:
    """The `WORKLOADS = {...}` declaration of an exercise's workloads.py, as
    JSON text, read with ast.literal_eval (nothing in the file is executed:
    the supervisor calls this).  Raises ValueError naming what is wrong."""
    import ast
    import json

    with open(path, "rb") as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "WORKLOADS"):
            try:
                value = ast.literal_eval(node.value)
            except ValueError as exc:
                raise ValueError(f"{path}: WORKLOADS must be a literal ({exc})") from None
            defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            if isinstance(value, dict):
                for name in value:
                    if f"workload_{name}" not in defined:
                        raise ValueError(f"{path}: WORKLOADS[{name!r}]: no top-level function "
                                         f"workload_{name}(sub, h, n)")
            return json.dumps(value)
    raise ValueError(f"{path}: no top-level WORKLOADS = {{...}} declaration")


def load_workloads(source: str | CodeType, filename: str,
                   checks: dict[str, Callable[..., Any]]) -> None:
    """Execute workloads.py and add each `workload_<name>(sub, h, n)` to
    `checks` as the check `workload:<name>`.

    A workload function prepares its input of size n and returns a callable
    that does the work once; the check calls it `h.params["warmup"]` times
    unmeasured, then records `h.params["values"]` measurements "v0", "v1", ...
    of `h.params["loops"]` calls each (pyharness compare divides by loops).
    The check returns {"thread_cpu_ns": [...]}, the calling thread's CPU time
    of each value: in a worker with more than one thread the process CPU
    clock only moves at scheduler ticks (4 ms), too coarse for one value,
    while the thread clock is exact.  (A comparison report, not a grade, so
    a figure read inside the process is acceptable here; the clock function
    is bound before any submission runs.)  Correctness is judged by the
    exercise's checks, not here."""
    namespace: dict[str, Any] = {
        "__name__": "pyharness_workloads",
        "__file__": filename,
        "__builtins__": dict(vars(builtins)),
    }
    code = source if isinstance(source, CodeType) else compile(source, filename, "exec")
    exec(code, namespace)
    rng = range  # the private builtins' range, not one a submission rebinds
    thread_ns = time.thread_time_ns

    def make(fn: Callable[..., Any]) -> Callable[[Any, Any], dict[str, list[int]]]:
        def check(sub: Any, h: Any) -> dict[str, list[int]]:
            params = h.params
            loops = int(params.get("loops", 1))
            run = fn(sub, h, int(params["n"]))
            for _ in rng(int(params.get("warmup", 1))):
                run()

            cpu: list[int] = []

            def many() -> None:
                # Inside the measured span, around the loop alone: the
                # measurement's own bookkeeping stays out of the figure.
                t0 = thread_ns()
                for _ in rng(loops):
                    run()
                cpu.append(thread_ns() - t0)

            for i in rng(int(params.get("values", 1))):
                h.measure(f"v{i}", many)
            return {"thread_cpu_ns": cpu}

        return check

    for name, fn in list(namespace.items()):
        if name.startswith("workload_") and callable(fn):
            checks[WORKLOAD_PREFIX + name[len("workload_"):]] = make(fn)


def submission_module() -> ModuleType:
    """An empty module `submission`, with the spec and loader importlib's
    SourceFileLoader gives a file.

    The sandbox host makes it once, before any run, so that workers run no
    import machinery: each worker points the module, its spec and its loader
    at its own copy of the file (`__file__`, `__spec__.origin`,
    `__loader__.path`), puts the file's folder first on sys.path, registers
    the module in sys.modules, and runs the code compiled from the file's
    bytes (so a coding line and a BOM are honoured) in it; then it checks
    that the exercise's entry points exist (worker_proc.c).
    """
    loader = importlib.machinery.SourceFileLoader("submission", "submission.py")
    spec = importlib.machinery.ModuleSpec("submission", loader, origin="submission.py")
    spec.has_location = True
    module = importlib.util.module_from_spec(spec)
    # Bytecode is never cached for a submission: no __cached__ to keep right.
    module.__dict__.pop("__cached__", None)
    return module


def missing_names(display_name: str, names: list[str]) -> SubmissionError:
    """The error for a submission that lacks some of the exercise's entry points."""
    return SubmissionError(f"{display_name} does not define {', '.join(names)}")


def _safe_str(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # a submission's exception may refuse to print
        text = "(the exception's message could not be read)"
    if not isinstance(text, str):
        text = "(the exception's message is not text)"
    if len(text) > MESSAGE_MAX:
        text = text[:MESSAGE_MAX] + "..."
    return text


def _is_type_name(text: str) -> bool:
    """A dotted Python name of a sensible length ("ValueError", "pkg.Error")."""
    return 0 < len(text) <= 200 and all(part.isidentifier() for part in text.split("."))


def _worker_description(seen: dict, display_name: str) -> dict[str, str]:
    """An exception raised in the worker, as the worker described it: the
    worker's word, so only what has the shape of a description is shown (a
    Python name for the type, frames of the submission for the traceback,
    each cut), never text laid out to look like the harness's."""
    kind = seen["type"] if _is_type_name(seen["type"]) else "(a type whose name is not a Python name)"
    frame = f"  {display_name}, line "
    lines = [line[:MESSAGE_MAX] for line in str(seen.get("traceback", "")).split("\n")
             if line.startswith(frame)]
    return {"type": kind, "message": seen["message"][:MESSAGE_MAX + 3],
            "traceback": "\n".join(lines[-TRACEBACK_LINES:])}


def describe_exception(exc: BaseException, display_name: str) -> dict[str, str]:
    """Type, message and the submission's part of the traceback.

    Frames of the harness and of the checks are left out: hidden checks must
    not leak their inputs through a traceback.
    """
    seen = getattr(exc, "_ph_remote", None)
    if type(seen) is dict and all(type(seen.get(k)) is str for k in ("type", "message")):
        return _worker_description(seen, display_name)
    kind = type(exc)
    qualname = kind.__qualname__ if kind.__module__ in ("builtins", "submission") else (
        f"{kind.__module__}.{kind.__qualname__}"
    )
    lines: list[str] = []
    try:
        frames = traceback.extract_tb(exc.__traceback__)
        for frame in frames:
            if os.path.basename(frame.filename) == "submission.py":
                text = (frame.line or "").strip()
                lines.append(f'  {display_name}, line {frame.lineno}, in {frame.name}: {text}')
        if isinstance(exc, SyntaxError) and exc.lineno is not None:
            where = f"  {display_name}, line {exc.lineno}"
            if exc.text:
                where += f": {exc.text.strip()}"
            lines.append(where)
    except BaseException:
        lines.append("  (traceback unavailable)")
    message = _safe_str(exc)
    if isinstance(exc, SyntaxError):
        message = f"{exc.msg} ({display_name}, line {exc.lineno})"
    return {
        "type": qualname,
        "message": message,
        "traceback": "\n".join(lines[-TRACEBACK_LINES:]),
    }
