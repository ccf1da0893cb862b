#!/usr/bin/env python3
"""`make bench`: how stable the figures `pyharness compare` reports are.

The same pair (a for loop against a while loop summing a range) is compared
several times, interleaved (the method: fresh workers, A B / B A rounds,
calibrated loops, pairwise ratios, adaptive stopping), and as many times
without interleaving (`--sequential`: all of A's rounds, then all of B's,
with as many rounds as the interleaved run took).  Printed per clock: each
invocation's ratio, then the spread, (max - min) / median, of the ratio and
of each implementation's own median time per call, and how many invocations
the report itself marked as too noisy for the 3% goal, with the noise it
measured.  Goal: every interleaved spread at most 3% on a busy 2-core
machine.  Asserts nothing.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build") / "pyharness"
PAIR = ROOT / "tests" / "bench" / "exercises" / "pair"
FILES = [str(ROOT / "tests" / "bench" / "compare" / f) for f in ("for_loop.py", "while_loop.py")]
INVOCATIONS = 5
BUDGET = "20s"


class Run:
    def __init__(self, rep: dict, clock: str) -> None:
        cells = rep["workloads"][0]["results"]
        a, b = cells[0], cells[1]
        self.ratio = b["ratio"]["time"]["estimate"]
        self.a = a[f"{clock}_s"]["median"]
        self.b = b[f"{clock}_s"]["median"]
        self.noisy = bool(b.get("noisy"))
        self.noise = max(a.get("noise", 0), b.get("noise", 0))
        self.rounds = rep["rounds"]
        self.pressure = rep.get("cpu_pressure")


def one(workload: str, *extra: str) -> Run:
    out = subprocess.run([str(BIN), "compare", str(PAIR), *FILES, "--workload", workload,
                          "--budget", BUDGET, "--json", "-q", *extra],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"compare failed: {out.stderr[-1000:]}")
    return Run(json.loads(out.stdout), workload)


def spread(xs: list[float]) -> float:
    return (max(xs) - min(xs)) / statistics.median(xs)


def line(label: str, runs: list[Run], goal: str) -> None:
    ratios = [r.ratio for r in runs]
    press = [r.pressure for r in runs if r.pressure is not None]
    print(f"    {label:11} ratio " + " ".join(f"{x:.3f}" for x in ratios)
          + f"   spread: ratio {100 * spread(ratios):.1f}%{goal}, "
          f"for_loop {100 * spread([r.a for r in runs]):.1f}%, "
          f"while_loop {100 * spread([r.b for r in runs]):.1f}%")
    print(f"    {'':11} marked noisy {sum(r.noisy for r in runs)}/{len(runs)}, "
          f"round-to-round noise up to {100 * max(r.noise for r in runs):.1f}%, "
          f"rounds {min(r.rounds for r in runs)}-{max(r.rounds for r in runs)}"
          + (f", CPU pressure {100 * min(press):.0f}-{100 * max(press):.0f}%" if press else ""))


def main() -> None:
    print(f"compare: ratio while_loop / for_loop at n = 20000, {INVOCATIONS} invocations each "
          f"(budget {BUDGET})")
    for clock in ("cpu", "wall"):
        inter, plain = [], []
        for _ in range(INVOCATIONS):
            r = one(clock)
            inter.append(r)
            plain.append(one(clock, "--sequential", "--min-rounds", str(max(r.rounds, 2))))
        print(f"  {clock} clock:")
        line("interleaved", inter, " (goal <= 3%)")
        line("sequential", plain, "")


if __name__ == "__main__":
    main()
