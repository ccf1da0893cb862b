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

Both reference policies are measured (docs/grading.md "Reference policy"):
`rolling` (the default: the reference's timed checks every 8 parts, bracketing
them) and `each` (beside every part, the policy before).  Then the fairness
cost, next to the overhead: one correct file with a partial performance mark
(MIDDLING below: about 4.5x slower than the reference, 3-4 of the 10
performance points) copied to 30 students, graded with -j 2
under each policy, idle and with a core kept busy (`yes > /dev/null`): the
spread (max - min) of that file's score across the class.

Goals from issue 14: harness overhead under 10% of the total, -j 2 at least
1.7x faster than -j 1 on 2 cores.  The class is built from the example class's
working submissions (oscar's endless loop is left out: a 6 s timeout in every
seventh submission would hide the harness's cost behind candidate time).  Not
part of the test suite: `sh tests/bench/grade.sh`.
"""

from __future__ import annotations

import shutil
import json
import os
import sqlite3
import statistics
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


STATS: dict = {}
LOAD: dict = {}  # the 1-minute load average before and after each grade


def grade(bin_: str, subs: Path, out: Path, jobs: int, policy: str = "rolling") -> float:
    """Wall seconds of one `grade`; the workers' engine counts go to STATS[out]."""
    l0 = os.getloadavg()[0]
    t0 = time.monotonic()
    proc = subprocess.run([bin_, "grade", str(HW / "homework.json"), str(subs), "--out",
                           str(out), "-j", str(jobs), "--reference", policy],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "PYHARNESS_GRADE_STATS": "1"})
    t = time.monotonic() - t0
    LOAD[out] = f"{l0:.1f} -> {os.getloadavg()[0]:.1f}"
    if proc.returncode != 0:
        raise SystemExit(f"grade failed ({proc.returncode}): {proc.stderr[-2000:]}")
    tot: dict = {}
    for line in proc.stderr.splitlines():
        if line.startswith("pyharness: grade worker stats: "):
            for k, v in json.loads(line.split(": ", 2)[2]).items():
                tot[k] = tot.get(k, 0) + v
    STATS[out] = tot
    return t


def runs_line(out: Path) -> str:
    st = STATS.get(out, {})
    return (f"{st.get('submissions', 0)} candidates, reference: {st.get('ref_whole', 0)} whole "
            f"runs, {st.get('ref_timed', 0)} timed measurements, {st.get('ref_drifts', 0)} "
            f"drifts, {st.get('ref_spared', 0)} spared (no waiting candidate could gain); "
            f"{st.get('cand_timed', 0)} timed candidate runs for "
            f"{st.get('perf_steadied', 0)} steadied performance marks")


FAIR_STUDENTS = 30

# Correct, and slow enough to earn part of the performance points: a score
# that moves when the reference's figures move (shared with test_grade).
MIDDLING = (SOURCE / "tests/integration/fixtures/subs/wordfreq_middling.py").read_text()


def make_fair_class(root: Path) -> Path:
    """30 copies of one correct file whose performance mark is partial, so a
    change in the reference's figures shows in its score."""
    subs = root / "fair"
    for i in range(FAIR_STUDENTS):
        d = subs / f"f{i:02d}"
        d.mkdir(parents=True)
        (d / "wordfreq.py").write_text(MIDDLING + f"\n# copy {i}\n")
        (d / "running-mean.py").write_text((HW / "class" / "alice" / "running-mean.py").read_text()
                                           + f"\n# copy {i}\n")
    return subs


def fair_scores(out: Path) -> list[float]:
    with sqlite3.connect(out / "grade.sqlite3") as db:
        return [r[0] for r in db.execute("SELECT total FROM grade_runs WHERE exercise = "
                                         "'wordfreq' ORDER BY student")]


def fairness(bin_: str, tmp: Path) -> None:
    subs = make_fair_class(tmp)
    print(f"  fairness: one correct wordfreq.py x {FAIR_STUDENTS} students, -j 2, its score out "
          f"of 100 (10 of them performance)")
    for load in ("idle", "a core busy"):
        hog = None
        if load != "idle":
            hog = subprocess.Popen(["sh", "-c", "exec yes > /dev/null"])
        try:
            for policy in ("rolling", "each"):
                out = tmp / f"fair-{policy}-{load.replace(' ', '-')}"
                t = grade(bin_, subs, out, 2, policy)
                sc = fair_scores(out)
                print(f"    {load:12s} {policy:8s} min {min(sc):5.1f}  max {max(sc):5.1f}  "
                      f"spread {max(sc) - min(sc):4.1f}  median {statistics.median(sc):5.1f}  "
                      f"({t:5.1f} s; {runs_line(out)})")
        finally:
            if hog is not None:
                hog.kill()
                hog.wait()


def costs(out: Path) -> tuple[int, float, float]:
    """Parts graded, the sum of their grading times and of their candidate workers'
    wall times, in seconds."""
    with sqlite3.connect(out / "grade.sqlite3") as db:
        rows = db.execute("SELECT grade_ns, wall_ns FROM grade_runs WHERE result_json IS NOT "
                          "NULL").fetchall()
    return len(rows), sum(r[0] for r in rows) / 1e9, sum(r[1] for r in rows) / 1e9


def throughput(bin_: str, tmp: Path, subs: Path, policy: str) -> None:
    t1 = grade(bin_, subs, tmp / f"{policy}-j1", 1, policy)
    t2 = grade(bin_, subs, tmp / f"{policy}-j2", 2, policy)
    n = STUDENTS
    print(f"  --reference {policy}")
    print(f"    -j 1: {t1:6.1f} s  {n / t1:6.2f} submissions/s  (load {LOAD[tmp / f'{policy}-j1']})")
    print(f"    -j 2: {t2:6.1f} s  {n / t2:6.2f} submissions/s  speed-up {t1 / t2:.2f}x "
          f"(goal >= 1.7x)  (load {LOAD[tmp / f'{policy}-j2']})")
    n_parts, graded, cand = costs(tmp / f"{policy}-j1")
    harness = t1 - cand
    print(f"    -j 1: {runs_line(tmp / f'{policy}-j1')}")
    print(f"    where the time went (-j 1, one run, {n_parts} parts):")
    print(f"      whole command          {t1:7.1f} s  100%")
    print(f"      candidate code         {cand:7.1f} s  {100 * cand / t1:3.0f}%  "
          f"({1000 * cand / n_parts:.1f} ms a part: the candidate worker, fork to reap)")
    print(f"      harness                {harness:7.1f} s  {100 * harness / t1:3.0f}%  "
          f"(goal < 10%)")
    print(f"        in the parts         {graded - cand:7.1f} s  {100 * (graded - cand) / t1:3.0f}%  "
          f"({1000 * (graded - cand) / n_parts:.1f} ms a part: the reference's timed checks, "
          f"judging, the store's commit)")
    print(f"        outside the parts    {t1 - graded:7.1f} s  {100 * (t1 - graded) / t1:3.0f}%  "
          f"(start, screening, workers' start, reports)")
    st = STATS.get(tmp / f"{policy}-j1", {})
    if "ref_ns" in st:
        cand_calls = st["cand_ns"] / 1e9
        print(f"      from the workers' clocks ($PYHARNESS_GRADE_STATS, -j 1):")
        for label, key, what in (
                ("reference runs", "ref_ns", f"{st.get('ref_whole', 0)} whole, "
                 f"{st.get('ref_timed', 0)} timed"),
                ("worker start", "start_ns", "interpreter, engine, store"),
                ("explanations", "expl_ns", "offline scorer"),
                ("judging", "judge_ns", "judge and score against each measurement"),
                ("recording", "record_ns", "result JSON and the store's commit")):
            v = st.get(key, 0) / 1e9
            print(f"        {label:20s} {v:7.2f} s  {100 * v / t1:4.1f}%  ({what})")
        print(f"        candidate runs' own  {cand_calls - cand:7.2f} s  "
              f"{100 * (cand_calls - cand) / t1:4.1f}%  (worker_run beyond the worker's fork to reap)")
        print(f"        parent               {t1 - st.get('worker_ns', 0) / 1e9:7.2f} s  "
              f"{100 * (t1 - st.get('worker_ns', 0) / 1e9) / t1:4.1f}%  (screening, workers' "
              f"start and end, reports)")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    bin_ = args[0] if args else str(SOURCE / "build" / "pyharness")
    only = {a[2:] for a in sys.argv[1:] if a.startswith("--")}  # --throughput, --fairness
    tmp = Path(tempfile.mkdtemp(prefix="ph-bench-grade-"))
    try:
        print(f"grade: {STUDENTS} submissions x 2 exercises, explanations scored offline")
        if not only or "throughput" in only:
            subs = make_class(tmp)
            for policy in ("rolling", "each"):
                throughput(bin_, tmp, subs, policy)
        if not only or "fairness" in only:
            fairness(bin_, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
