#!/usr/bin/env python3
"""`make bench`: how stable the ratio `pyharness compare` reports is.

The same pair (a for loop against a while loop summing a range) is compared
several times, interleaved (the method: fresh workers, A B / B A rounds,
pairwise ratios, adaptive stopping), and as many times without interleaving
(`--sequential`: all of A's rounds, then all of B's, with as many rounds as
the interleaved run took).  Printed per clock: each invocation's ratio and
the spread, (max - min) / median.  Goal: the interleaved spread is at most
3% on a busy 2-core machine.  Asserts nothing.
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


def one(workload: str, *extra: str) -> tuple[float, int]:
    out = subprocess.run([str(BIN), "compare", str(PAIR), *FILES, "--workload", workload,
                          "--budget", BUDGET, "--json", "-q", *extra],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"compare failed: {out.stderr[-1000:]}")
    rep = json.loads(out.stdout)
    cell = [r for r in rep["workloads"][0]["results"] if "ratio" in r][0]
    return cell["ratio"]["time"]["estimate"], rep["rounds"]


def spread(xs: list[float]) -> float:
    return (max(xs) - min(xs)) / statistics.median(xs)


def main() -> None:
    print(f"compare: ratio while_loop / for_loop at n = 20000, {INVOCATIONS} invocations each "
          f"(budget {BUDGET})")
    for clock in ("cpu", "wall"):
        inter, plain = [], []
        for _ in range(INVOCATIONS):
            r, rounds = one(clock)
            inter.append(r)
            p, _ = one(clock, "--sequential", "--min-rounds", str(max(rounds, 2)))
            plain.append(p)
        print(f"  {clock:4} clock, interleaved: " + " ".join(f"{x:.3f}" for x in inter)
              + f"   spread {100 * spread(inter):.1f}% (goal <= 3%)")
        print(f"  {clock:4} clock, sequential:  " + " ".join(f"{x:.3f}" for x in plain)
              + f"   spread {100 * spread(plain):.1f}%")


if __name__ == "__main__":
    main()
