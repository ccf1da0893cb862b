"""Batch grading throughput: 200 submissions x 2 exercises, explanations scored offline.

Prints submissions per second with -j 1 and -j 2, the speed-up, and per part the
harness's own cost (the part's wall time in a grading worker minus the time the
candidate's worker ran) next to the time spent in candidate code.  Goals from
issue 14: harness overhead under 10% of the total, -j 2 at least 1.7x faster
than -j 1 on 2 cores.  Not part of the test suite: `sh tests/bench/grade.sh`.

Each grading worker has its own engine: the reference's observations are
computed once per exercise per worker; its timed checks run again beside each
candidate (the engine's default policy), and that time counts as harness cost.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]
HW = SOURCE / "examples" / "homework"
STUDENTS = 200


def make_class(root: Path) -> Path:
    """200 students from the example class's working solutions, each file made
    distinct by a comment so no two submissions hash alike."""
    donors = ["alice", "bob", "dave", "grace", "ivan", "mallory", "oscar"]
    subs = root / "class"
    for i in range(STUDENTS):
        d = subs / f"s{i:03d}"
        d.mkdir(parents=True)
        donor = HW / "class" / donors[i % len(donors)]
        for ex in ("wordfreq", "running-mean"):
            src = donor / f"{ex}.py"
            if not src.exists():
                src = HW / "class" / "alice" / f"{ex}.py"
            (d / f"{ex}.py").write_text(src.read_text() + f"\n# student {i}\n")
            (d / f"{ex}.md").write_text((HW / "class" / "alice" / f"{ex}.md").read_text())
    return subs


def grade(bin_: str, subs: Path, out: Path, jobs: int) -> float:
    t0 = time.monotonic()
    subprocess.run([bin_, "grade", str(HW / "homework.json"), str(subs), "--out", str(out),
                    "-j", str(jobs), "--quiet"], check=True)
    return time.monotonic() - t0


def costs(out: Path) -> tuple[float, float]:
    with sqlite3.connect(out / "grade.sqlite3") as db:
        rows = db.execute("SELECT grade_ns, wall_ns FROM grade_runs WHERE result_json IS NOT "
                          "NULL").fetchall()
    total = sum(r[0] for r in rows) / len(rows) / 1e6
    cand = sum(r[1] for r in rows) / len(rows) / 1e6
    return total, cand


def main() -> None:
    bin_ = sys.argv[1] if len(sys.argv) > 1 else str(SOURCE / "build" / "pyharness")
    tmp = Path(tempfile.mkdtemp(prefix="ph-bench-grade-"))
    try:
        subs = make_class(tmp)
        t1 = grade(bin_, subs, tmp / "j1", 1)
        t2 = grade(bin_, subs, tmp / "j2", 2)
        n = STUDENTS
        print(f"grade: {n} submissions x 2 exercises, explanations scored offline")
        print(f"  -j 1: {t1:6.1f} s  {n / t1:6.2f} submissions/s")
        print(f"  -j 2: {t2:6.1f} s  {n / t2:6.2f} submissions/s  speed-up {t1 / t2:.2f}x "
              f"(goal >= 1.7x)")
        total, cand = costs(tmp / "j1")
        print(f"  per part (-j 1): {total:.1f} ms in all, {cand:.1f} ms in the candidate's "
              f"worker, harness {total - cand:.1f} ms = {100 * (total - cand) / total:.0f}% "
              f"(goal < 10%; includes the reference's timed checks run beside each candidate)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
