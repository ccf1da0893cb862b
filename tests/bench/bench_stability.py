#!/usr/bin/env python3
"""`make bench`: how much the same file's grade moves between runs.

For every exercise of the bank, its good example and the examples whose
performance mark lies inside the band (neither full nor zero: where noise can
move a score), and the homework exercise wordfreq's middling file, are each
graded RUNS times on the machine as it is ("idle") and RUNS times with one
core kept busy by a spinning process ("busy"). Prints, per file, the lowest
and highest total and performance mark (out of 100) and their spread
(max - min); the goal is a spread of at most 1 point. The lowest and highest
load average seen after each run of a series is printed beside it: on a
shared machine "idle" is only the machine without our spinner. Asserts
nothing.

  PYHARNESS_STABILITY_RUNS   runs per series (default 10)
  PYHARNESS_STABILITY_ONLY   comma-separated exercise ids to bench (default all;
                             wordfreq for the homework exercise)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build") / "pyharness"
RUNS = int(os.environ.get("PYHARNESS_STABILITY_RUNS", "10"))
ONLY = {e for e in os.environ.get("PYHARNESS_STABILITY_ONLY", "").split(",") if e}

# Per exercise: its good example first, then files whose performance mark is
# partial (inside the band), where a noisy figure moves the score: examples of
# the bank, and the homework exercise wordfreq's middling file.  An entry is
# (exercise id or folder, file), both relative to the source tree.
EXAMPLES = {
    "asyncio-llm-calls": ["good.py"],
    "comprehension-map-filter": ["good.py", "middling_regex_strip.py"],
    "context-managers": ["good.py", "good_exitstack.py", "middling_stack_per_key.py"],
    "contextvar-vs-threadlocal": ["good.py", "audit_bug_task_per_request.py"],
    "gather-vs-as-completed": ["good.py"],
    "generators-streaming": ["good.py", "bad_eager.py"],
    "gil-threads-processes": ["good.py"],
    "profile-and-optimize": ["good.py", "middling_char_loop.py"],
}
FILES = {ex: [(ex, f"exercises/{ex}/examples/{name}") for name in names]
         for ex, names in EXAMPLES.items()}
FILES["wordfreq"] = [(str(ROOT / "examples/homework/exercises/wordfreq"),
                      "tests/integration/fixtures/subs/wordfreq_middling.py")]


def grade(exercise: str, path: Path) -> tuple[float, float] | None:
    out = subprocess.run([str(BIN), "run", exercise, str(path), "--json", "--quiet"],
                         capture_output=True, text=True, timeout=600)
    try:
        score = json.loads(out.stdout)["score"]
    except (json.JSONDecodeError, KeyError):
        return None
    return float(score["total"]), float(score["performance"])


def series(exercise: str, path: Path, busy: bool,
           loads: list[float]) -> list[tuple[float, float]]:
    """RUNS gradings of `path`; the 1-minute load average after each goes to `loads`."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    runs = []
    try:
        for _ in range(RUNS):
            runs.append(grade(exercise, path))
            loads.append(os.getloadavg()[0])
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    return [r for r in runs if r is not None]


def span(values: list[float]) -> str:
    return f"{min(values):5.1f}..{max(values):5.1f} ({max(values) - min(values):4.1f})"


def main() -> int:
    print(f"stability: each file graded {RUNS} times as the machine is and with one core busy; "
          "min..max (spread), out of 100; goal: spread <= 1")
    print(f"  {'exercise/file':58s} {'mode':4s} {'load':9s}  {'total':19s}  performance")
    worst = 0.0
    for exercise, names in FILES.items():
        if ONLY and exercise not in ONLY:
            continue
        for target, rel in names:
            path = ROOT / rel
            name = f"{exercise}/{path.name}"
            if not path.exists():
                continue
            for busy in (False, True):
                loads: list[float] = []
                runs = series(target, path, busy, loads)
                if not runs:
                    print(f"  {name:58s} no result")
                    continue
                totals, perf = [t for t, _ in runs], [p for _, p in runs]
                worst = max(worst, max(totals) - min(totals))
                lost = f"  ({RUNS - len(runs)} runs gave no result)" if len(runs) < RUNS else ""
                print(f"  {name:58s} {'busy' if busy else 'idle'} {min(loads):4.1f}-{max(loads):<4.1f}  "
                      f"{span(totals)}  {span(perf)}{lost}", flush=True)
    print(f"  worst spread of a total: {worst:.1f} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
