#!/usr/bin/env python3
"""`make bench`: the engine's costs, measured side by side in one run.

(a) A trivial submission through the fork-server (per run, interpreter
    already up) versus starting `python3 -c pass` as a new process.
(b) Allocation-heavy workloads with the counting allocator versus without
    (both inside pyharness, timed from C), next to the same workloads under
    tracemalloc versus plain in python3.
Runs are interleaved and the best of several is kept, so a noisy neighbour
hurts both sides alike.  Prints ratios; asserts nothing.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build") / "pyharness"
EXERCISES = ROOT / "tests" / "bench" / "exercises"
PYTHON = "/usr/bin/python3"
ROUNDS = 3
# The allocator's cost is a few percent: more rounds, so that the best of
# each side is its floor and not a noisy neighbour's doing.
ALLOC_ROUNDS = 6


NO_LAYERS = "pidns,netns,ipcns,mntns,uid,userns,seccomp,audit,subreaper,nnp"


def bench_worker(runs: int, disable: str = "") -> dict[str, float]:
    """ms per run of a trivial submission through the fork-server: median,
    first run (which starts the exercise's sandbox host), and CPU per run of
    the supervisor and of the sandbox (host and workers)."""
    env = dict(os.environ, PYHARNESS_SANDBOX_DISABLE=disable)
    out = subprocess.run([str(BIN), "bench-worker", "trivial",
                          str(EXERCISES / "trivial" / "reference.py"), str(runs),
                          "--exercises", str(EXERCISES)], capture_output=True, text=True,
                         check=True, env=env)
    res = json.loads(out.stdout)
    return {k[:-3]: res[k] / 1e6 for k in ("median_ns", "first_ns", "supervisor_cpu_ns",
                                           "sandbox_cpu_ns")}


def fork_server_cost(runs: int = 200) -> None:
    per_run, bare, spawn, first, cpu = [], [], [], [], []
    for _ in range(ROUNDS):
        res = bench_worker(runs)
        per_run.append(res["median"])
        first.append(res["first"])
        cpu.append((res["supervisor_cpu"], res["sandbox_cpu"]))
        bare.append(bench_worker(runs, NO_LAYERS)["median"])
        times = []
        for _ in range(runs // 4):
            t = time.perf_counter()
            subprocess.run([PYTHON, "-c", "pass"], check=True)
            times.append(time.perf_counter() - t)
        spawn.append(statistics.median(times) * 1e3)
    ours, theirs, fork_only = min(per_run), min(spawn), min(bare)
    print("(a) trivial submission, per run (median of runs, best of %d rounds)" % ROUNDS)
    print(f"    pyharness fork-server worker, all sandbox layers: {ours:7.2f} ms")
    print(f"    pyharness fork-server worker, sandbox layers off: {fork_only:7.2f} ms")
    print(f"    first run of an exercise (starts its sandbox host): {min(first):7.2f} ms")
    sup, box = min(cpu, key=sum)
    print(f"    CPU per run: supervisor {sup:.2f} ms, sandbox host and worker {box:.2f} ms")
    print(f"    python3 -c pass as a new process:                 {theirs:7.2f} ms")
    print(f"    ratio: {theirs / ours:.1f}x less per run with the sandbox, "
          f"{theirs / fork_only:.1f}x without (goal >= 5x)")


def pyharness_workloads(hooks: bool) -> dict[str, float]:
    args = [str(BIN), "run", "alloc", str(EXERCISES / "alloc" / "reference.py"), "--json",
            "--exercises", str(EXERCISES)]
    if not hooks:
        args.append("--no-alloc-hooks")
    out = subprocess.run(args, capture_output=True, text=True)
    res = json.loads(out.stdout)
    if res["verdict"] != "passed":
        raise SystemExit(f"bench run failed: {res['detail']}")
    return {t["name"]: t["measures"]["w"]["wall_ns"] / 1e9 for t in res["tests"]}


def python_workloads(traced: bool) -> dict[str, float]:
    # checks.py marks its workloads @inside (pyharness.checklib): importable
    # here from the source tree; called outside a run they are plain calls.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    namespace: dict = {}
    exec((EXERCISES / "alloc" / "checks.py").read_text(), namespace)
    times = {}
    for name, fn in namespace["WORKLOADS"].items():
        best = float("inf")
        for _ in range(namespace["REPEAT"]):
            if traced:
                tracemalloc.start()
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
            if traced:
                tracemalloc.stop()
        times[name] = best
    return times


def best_of(samples: list[dict[str, float]]) -> dict[str, float]:
    return {k: min(s[k] for s in samples) for k in samples[0]}


def allocator_overhead() -> None:
    hooked, plain, traced, untraced = [], [], [], []
    for _ in range(ALLOC_ROUNDS):
        hooked.append(pyharness_workloads(True))
        plain.append(pyharness_workloads(False))
        traced.append(python_workloads(True))
        untraced.append(python_workloads(False))
    h, p, t, u = best_of(hooked), best_of(plain), best_of(traced), best_of(untraced)
    print("(b) allocation-heavy workloads, best of %d x %d runs" % (ALLOC_ROUNDS, 5))
    print(f"    {'workload':18} {'ours':>8} {'unmeasured':>11} {'ratio':>7}   "
          f"{'tracemalloc':>11} {'plain py':>9} {'ratio':>7}")
    ours_r, tm_r = [], []
    for k in h:
        r1, r2 = h[k] / p[k], t[k] / u[k]
        ours_r.append(r1)
        tm_r.append(r2)
        print(f"    {k:18} {h[k]*1e3:7.1f}ms {p[k]*1e3:9.1f}ms {r1:6.2f}x   "
              f"{t[k]*1e3:9.1f}ms {u[k]*1e3:7.1f}ms {r2:6.2f}x")
    print(f"    geomean: counting allocator {statistics.geometric_mean(ours_r):.2f}x (goal <= 1.10x), "
          f"tracemalloc {statistics.geometric_mean(tm_r):.2f}x")


if __name__ == "__main__":
    fork_server_cost()
    allocator_overhead()
