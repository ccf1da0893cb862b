#!/usr/bin/env python3
"""`make bench`: how much the same file's grade moves between runs.

Each file is graded 10 times on an idle machine and 10 times with one core
kept busy by a spinning process; prints the spread (max - min) of the total
and of the performance part, out of 100.  The goal is a spread of at most 1
point.  Asserts nothing.  PYHARNESS_STABILITY_RUNS changes the count.
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
FILES = [
    ("generators-streaming", "good.py"),
    ("generators-streaming", "audit_good_manual_loop.py"),
    ("contextvar-vs-threadlocal", "audit_good_contextmanager.py"),
    ("context-managers", "good_exitstack.py"),
    ("gil-threads-processes", "good.py"),
    ("profile-and-optimize", "good.py"),
]


def grade(exercise: str, path: Path) -> tuple[float, float]:
    out = subprocess.run([str(BIN), "run", exercise, str(path), "--json"], capture_output=True,
                         text=True, timeout=600)
    score = json.loads(out.stdout)["score"]
    return float(score["total"]), float(score["performance"])


def series(exercise: str, path: Path, busy: bool) -> tuple[list[float], list[float]]:
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        runs = [grade(exercise, path) for _ in range(RUNS)]
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    return [t for t, _ in runs], [p for _, p in runs]


def main() -> int:
    print(f"stability: the same file graded {RUNS} times, idle and with one core busy "
          "(spread = max - min, out of 100; goal <= 1)")
    worst = 0.0
    for exercise, name in FILES:
        path = ROOT / "exercises" / exercise / "examples" / name
        if not path.exists():
            continue
        for busy in (False, True):
            totals, perf = series(exercise, path, busy)
            spread = max(totals) - min(totals)
            worst = max(worst, spread)
            print(f"  {exercise + '/' + name:58s} {'busy' if busy else 'idle'}  "
                  f"total {min(totals):5.1f}..{max(totals):5.1f} spread {spread:4.1f}  "
                  f"performance spread {max(perf) - min(perf):4.1f}", flush=True)
    print(f"  worst spread of a total: {worst:.1f} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
