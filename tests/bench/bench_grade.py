"""Batch grading throughput: 200 submissions x 2 exercises, explanations scored offline.

Prints submissions per second with -j 1 and -j 2, the speed-up, and, from the
-j 1 run, where the time went, side by side in that one run:

- the whole command's wall time (start, screening, workers, reports: everything);
- the time spent in candidate code: the sum over parts of the candidate worker's
  wall time (fork to reap: generous to the harness, since the worker's own start
  and the checks' scaffolding count as candidate time);
- the harness: everything else, split into the parts' own (grading a part minus
  its candidate worker: the reference's timed checks run again beside each
  candidate, the result, the store's commit) and the rest (start, screening,
  workers' start, the reports).

Goals from issue 14: harness overhead under 10% of the total, -j 2 at least
1.7x faster than -j 1 on 2 cores.  The class is built from the example class's
working submissions (oscar's endless loop is left out: a 6 s timeout in every
seventh submission would hide the harness's cost behind candidate time).  Not
part of the test suite: `sh tests/bench/grade.sh`.
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
    donors = ["alice", "bob", "dave", "grace", "ivan", "mallory"]
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


def costs(out: Path) -> tuple[int, float, float]:
    """Parts graded, the sum of their grading times and of their candidate workers'
    wall times, in seconds."""
    with sqlite3.connect(out / "grade.sqlite3") as db:
        rows = db.execute("SELECT grade_ns, wall_ns FROM grade_runs WHERE result_json IS NOT "
                          "NULL").fetchall()
    return len(rows), sum(r[0] for r in rows) / 1e9, sum(r[1] for r in rows) / 1e9


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
        n_parts, graded, cand = costs(tmp / "j1")
        harness = t1 - cand
        print(f"  where the time went (-j 1, one run, {n_parts} parts):")
        print(f"    whole command          {t1:7.1f} s  100%")
        print(f"    candidate code         {cand:7.1f} s  {100 * cand / t1:3.0f}%  "
              f"({1000 * cand / n_parts:.1f} ms a part: the candidate worker, fork to reap)")
        print(f"    harness                {harness:7.1f} s  {100 * harness / t1:3.0f}%  "
              f"(goal < 10%)")
        print(f"      in the parts         {graded - cand:7.1f} s  {100 * (graded - cand) / t1:3.0f}%  "
              f"({1000 * (graded - cand) / n_parts:.1f} ms a part: mostly the reference's timed "
              f"checks run again beside each candidate)")
        print(f"      outside the parts    {t1 - graded:7.1f} s  {100 * (t1 - graded) / t1:3.0f}%  "
              f"(start, screening, workers' start, reports)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
