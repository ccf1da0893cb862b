#!/usr/bin/env python3
"""Blind exercise audit runner for pyharness (stdlib only).

Runs every GOOD file (`good_*.py`, first line `# GOOD: ...`) N times and every
BUG file (`bug_*.py`, first line `# BUG: ...`) once through
`pyharness run <exercise> FILE --json`, then reports per split:

  - false passes: a bug file whose verdict is "passed" (file + rule it breaks)
  - false fails: a good file not passed, per run and per file, with the
    failing checks and their messages
  - spread: max - min of each good file's total across its runs
  - unfair performance marks: good-file runs losing more than a quarter of
    the performance marks (score < 0.75 x max), with the figures

Layout: <root>/<exercise-id>/{tune,heldout}/{good,bug}_*.py

Usage (from anywhere):
  python3 run_audit.py --bin /work/wt/baseline/build/pyharness \
      --cwd /work/wt/baseline --split all --runs 3 --busy-runs 3 \
      --out /work/audit/exercises/baseline

  --busy            run the N good-file runs with one core kept busy
  --busy-runs M     in addition to the N idle runs, M more runs with a core busy
  --out PREFIX      writes PREFIX-<split>.json and PREFIX-<split>.txt
  --exercise ID     restrict to some exercises (repeatable)
  --timeout S       per grader run (default 240 s)
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPLITS = ("tune", "heldout")


def first_line(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline().strip()
    except OSError:
        return ""


def discover(root, splits, only):
    files = []
    for ex in sorted(os.listdir(root)):
        exdir = os.path.join(root, ex)
        if not os.path.isdir(exdir) or ex.startswith(".") or (only and ex not in only):
            continue
        for split in splits:
            sdir = os.path.join(exdir, split)
            if not os.path.isdir(sdir):
                continue
            for name in sorted(os.listdir(sdir)):
                if not name.endswith(".py"):
                    continue
                kind = "good" if name.startswith("good_") else "bug" if name.startswith("bug_") else None
                if kind is None:
                    continue
                head = first_line(os.path.join(sdir, name))
                label = head.split(":", 1)[1].strip() if ":" in head else head
                files.append({"exercise": ex, "split": split, "kind": kind, "file": name,
                              "path": os.path.join(sdir, name), "label": label})
    return files


class Spinner:
    """One process spinning on a core, started and stopped by its own pid."""

    def __init__(self):
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", "while True: pass"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        return False


def run_one(bin_path, cwd, ex, path, timeout, busy):
    cmd = [bin_path, "run", ex, path, "--json"]
    t0 = time.monotonic()
    rec = {"busy": busy}

    def go():
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.kill()
            p.communicate()
            return None, "", "timeout after %ss" % timeout
        return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    if busy:
        with Spinner():
            rc, out, err = go()
    else:
        rc, out, err = go()
    rec["seconds"] = round(time.monotonic() - t0, 2)
    rec["rc"] = rc
    try:
        res = json.loads(out)
    except ValueError:
        rec.update(verdict="error", error=(err or out)[-800:], total=None, performance=None,
                   perf_max=None, correctness=None, failing=[])
        return rec
    score = res.get("score") or {}
    perf = (score.get("parts") or {}).get("performance") or {}
    rec.update(
        verdict=res.get("verdict"),
        detail=res.get("detail"),
        correctness=score.get("correctness"),
        performance=score.get("performance"),
        perf_max=perf.get("max"),
        perf_ratio=perf.get("ratio"),
        perf_origin=perf.get("origin"),
        total=score.get("total"),
        max=score.get("max"),
        failing=[{"name": t.get("name"), "status": t.get("status"), "message": t.get("message"),
                  "lesson": t.get("lesson")}
                 for t in res.get("tests") or [] if t.get("status") != "passed"],
    )
    if rec["verdict"] != "passed" and not rec["failing"]:
        rec["stderr"] = (res.get("stderr") or err or "")[-800:]
    return rec


def summarise(split, files):
    goods = [f for f in files if f["kind"] == "good"]
    bugs = [f for f in files if f["kind"] == "bug"]
    s = {"split": split, "good_files": len(goods), "bug_files": len(bugs)}
    s["false_passes"] = [{"exercise": f["exercise"], "file": f["file"], "rule": f["label"]}
                         for f in bugs if f["runs"] and f["runs"][0].get("verdict") == "passed"]
    ff_runs, ff_files, spread, perf_loss = [], [], [], []
    for f in goods:
        runs = f["runs"]
        bad = [r for r in runs if r.get("verdict") != "passed"]
        for i, r in enumerate(runs):
            if r.get("verdict") != "passed":
                ff_runs.append({"exercise": f["exercise"], "file": f["file"], "run": i + 1,
                                "busy": r["busy"], "verdict": r.get("verdict"),
                                "failing": r.get("failing") or [], "error": r.get("error") or r.get("stderr")})
        if bad:
            ff_files.append({"exercise": f["exercise"], "file": f["file"],
                             "failed_runs": len(bad), "runs": len(runs),
                             "checks": sorted({t["name"] for r in bad for t in (r.get("failing") or [])})})
        totals = [r["total"] for r in runs if isinstance(r.get("total"), (int, float))]
        idle = [r["total"] for r in runs if not r["busy"] and isinstance(r.get("total"), (int, float))]
        busy = [r["total"] for r in runs if r["busy"] and isinstance(r.get("total"), (int, float))]
        spread.append({"exercise": f["exercise"], "file": f["file"], "totals": totals,
                       "spread": (max(totals) - min(totals)) if totals else None,
                       "spread_idle": (max(idle) - min(idle)) if idle else None,
                       "spread_busy": (max(busy) - min(busy)) if busy else None})
        for i, r in enumerate(runs):
            pm, p = r.get("perf_max"), r.get("performance")
            if isinstance(pm, (int, float)) and pm > 0 and isinstance(p, (int, float)) and p < 0.75 * pm:
                perf_loss.append({"exercise": f["exercise"], "file": f["file"], "run": i + 1,
                                  "busy": r["busy"], "performance": p, "max": pm,
                                  "ratio": r.get("perf_ratio"), "origin": r.get("perf_origin")})
    s["false_fails_runs"] = ff_runs
    s["false_fails_files"] = ff_files
    s["good_runs"] = sum(len(f["runs"]) for f in goods)
    s["spread"] = spread
    sp = [x["spread"] for x in spread if x["spread"] is not None]
    s["max_spread"] = max(sp) if sp else None
    s["perf_loss"] = perf_loss
    s["bugs_caught_by"] = [{"exercise": f["exercise"], "file": f["file"], "rule": f["label"],
                            "verdict": f["runs"][0].get("verdict") if f["runs"] else None,
                            "checks": [t["name"] for t in (f["runs"][0].get("failing") or [])] if f["runs"] else []}
                           for f in bugs]
    return s


def text_summary(s):
    out = []
    w = out.append
    w("== split %s: %d good files (%d runs), %d bug files" % (s["split"], s["good_files"], s["good_runs"], s["bug_files"]))
    w("false passes: %d" % len(s["false_passes"]))
    for x in s["false_passes"]:
        w("  %s/%s  (rule: %s)" % (x["exercise"], x["file"], x["rule"]))
    w("false fails: %d runs, %d files" % (len(s["false_fails_runs"]), len(s["false_fails_files"])))
    for x in s["false_fails_files"]:
        w("  %s/%s  %d/%d runs  checks: %s" % (x["exercise"], x["file"], x["failed_runs"], x["runs"], ", ".join(x["checks"])))
    for x in s["false_fails_runs"]:
        w("    run %d%s %s/%s: %s" % (x["run"], " busy" if x["busy"] else "", x["exercise"], x["file"], x["verdict"]))
        for t in x["failing"]:
            w("      - %s [%s]: %s" % (t["name"], t["status"], (t.get("message") or "")[:300]))
        if x.get("error"):
            w("      error: %s" % x["error"][:300])
    w("spread of totals (max-min) per good file, max %s:" % s["max_spread"])
    for x in s["spread"]:
        w("  %-28s %-40s spread %s (idle %s, busy %s) totals %s" % (
            x["exercise"], x["file"], x["spread"], x["spread_idle"], x["spread_busy"], x["totals"]))
    w("good runs losing > 1/4 of performance marks: %d" % len(s["perf_loss"]))
    for x in s["perf_loss"]:
        w("  run %d%s %s/%s: %s/%s (ratio %s) %s" % (
            x["run"], " busy" if x["busy"] else "", x["exercise"], x["file"], x["performance"], x["max"],
            None if x["ratio"] is None else round(x["ratio"], 3), x.get("origin") or ""))
    w("bug files and what caught them:")
    for x in s["bugs_caught_by"]:
        w("  %-9s %s/%s  <- %s" % (x["verdict"], x["exercise"], x["file"], ", ".join(x["checks"]) or "-"))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cwd", required=True)
    ap.add_argument("--split", choices=["tune", "heldout", "all"], default="all")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--busy", action="store_true", help="the --runs good runs have one core kept busy")
    ap.add_argument("--busy-runs", type=int, default=0, help="extra good runs with one core kept busy")
    ap.add_argument("--root", default=HERE)
    ap.add_argument("--exercise", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=240)
    ap.add_argument("--out", default=None, help="prefix for PREFIX-<split>.json/.txt")
    a = ap.parse_args()
    bin_path = os.path.abspath(a.bin)
    splits = SPLITS if a.split == "all" else (a.split,)
    files = discover(a.root, splits, set(a.exercise))
    for f in files:
        f["runs"] = []
    plan = [(a.busy, r) for r in range(a.runs)] + [(True, a.runs + r) for r in range(a.busy_runs)]
    started = time.time()
    # rounds: every file gets run r before any file gets run r+1 (spreads drift over files)
    for busy, r in plan:
        for f in files:
            if f["kind"] == "bug" and r > 0:
                continue
            bug_busy = False if f["kind"] == "bug" else busy
            rec = run_one(bin_path, a.cwd, f["exercise"], f["path"], a.timeout, bug_busy)
            f["runs"].append(rec)
            print("[%6.0fs] %-4s %-7s %s/%s/%s -> %s total=%s perf=%s%s" % (
                time.time() - started, f["kind"], "busy" if bug_busy else "idle", f["exercise"], f["split"],
                f["file"], rec.get("verdict"), rec.get("total"), rec.get("performance"),
                "" if rec.get("verdict") == "passed" else "  failing=" + ",".join(t["name"] for t in rec.get("failing") or [])),
                file=sys.stderr, flush=True)
    meta = {"bin": bin_path, "cwd": os.path.abspath(a.cwd), "runs": a.runs, "busy": a.busy,
            "busy_runs": a.busy_runs, "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
            "seconds": round(time.time() - started, 1)}
    texts = []
    for split in splits:
        sf = [f for f in files if f["split"] == split]
        s = summarise(split, sf)
        doc = {"meta": meta, "summary": s, "files": sf}
        t = text_summary(s)
        texts.append(t)
        if a.out:
            with open("%s-%s.json" % (a.out, split), "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=1)
            with open("%s-%s.txt" % (a.out, split), "w", encoding="utf-8") as fh:
                fh.write(t + "\n")
    print("\n\n".join(texts))
    fp = sum(1 for f in files if f["kind"] == "bug" and f["runs"] and f["runs"][0].get("verdict") == "passed")
    ff = sum(1 for f in files if f["kind"] == "good" for r in f["runs"] if r.get("verdict") != "passed")
    return 0 if fp == 0 and ff == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
