#!/usr/bin/env python3
"""`make bench`: what the engine object saves when many submissions of one
exercise go through one process, against the code before it.

`validate` of one exercise whose examples are N copies of a good submission
(N = 3 and N = 20), with this build and with the build of the commit before
the engine object (OLD_COMMIT, built once under the build folder).  Prints
the reference runs the engine made (whole and timed-only: checks whose rules
compare with the reference's measured figures run again beside each
candidate) and the time per additional submission, (T20 - T3) / 17, for
both.  Runs are interleaved, best of ROUNDS; asserts nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build").resolve()
OLD_COMMIT = "0255129"  # main before the engine object
OLD_BUILD = BUILD / f"bench-old-{OLD_COMMIT}"
EXERCISE = "comprehension-map-filter"
COPIES = (3, 20)
ROUNDS = int(os.environ.get("PYHARNESS_BENCH_ROUNDS", "1"))
# this build's reference policies (validate --reference) beside the old build;
# "fresh" runs the whole reference beside every submission, as the code before
# the engine object did, on today's exercise and build: the like-for-like base.
VARIANTS = tuple(v for v in (("new", "cached"), ("new", "all"), ("new", "fresh"), ("old", None))
                 if (f"{v[0]}:{v[1]}" if v[1] else v[0])
                 in os.environ.get("PYHARNESS_BENCH_VARIANTS", "new:cached,new:all,new:fresh,old")
                 .split(","))


def build_old() -> Path | None:
    """The old binary, built once from a detached worktree; None when it cannot be."""
    exe = OLD_BUILD / "build" / "pyharness"
    if exe.exists():
        return exe
    src = OLD_BUILD / "src"
    try:
        if not src.exists():
            OLD_BUILD.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(src),
                            OLD_COMMIT], check=True, capture_output=True)
        subprocess.run(["cmake", "-S", str(src), "-B", str(OLD_BUILD / "build"),
                        "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], check=True, capture_output=True)
        subprocess.run(["cmake", "--build", str(OLD_BUILD / "build"), "-j2", "--target",
                        "pyharness"], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        print(f"    (cannot build {OLD_COMMIT}: {e})")
        return None
    return exe


def bank(d: Path, copies: int, root: Path = ROOT, tag: str = "") -> Path:
    """An exercise bank holding EXERCISE (as the tree `root` has it) with
    `copies` copies of its good example."""
    dst = d / f"bank{tag}{copies}" / EXERCISE
    shutil.copytree(root / "exercises" / EXERCISE, dst)
    ex = dst / "examples"
    good = (ex / "good.py").read_text()
    for p in ex.iterdir():
        p.unlink()
    expected = {}
    for i in range(copies):
        (ex / f"good_{i:02d}.py").write_text(good)
        expected[f"good_{i:02d}.py"] = "passed"
    (ex / "expected.json").write_text(json.dumps(expected))
    return dst.parent


def validate(exe: Path, banks: Path, policy: str | None) -> tuple[float, str]:
    args = [str(exe), "validate", EXERCISE, "--exercises", str(banks)]
    if policy is not None:
        args += ["--engine-stats", "--reference", policy]
    t0 = time.monotonic()
    out = subprocess.run(args, capture_output=True, text=True)
    dt = time.monotonic() - t0
    if out.returncode != 0:
        raise SystemExit(f"{exe} validate failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    return dt, out.stdout


def main() -> None:
    new = BUILD / "pyharness"
    old = build_old() if any(label == "old" for label, _ in VARIANTS) else None
    print(f"(c) validate {EXERCISE} with N copies of a good submission, best of {ROUNDS}")
    with tempfile.TemporaryDirectory() as d:
        banks = {n: bank(Path(d), n) for n in COPIES}
        # The old build grades the exercise as it was then: today's checks.py
        # uses checklib functions it does not have.
        old_banks = {n: bank(Path(d), n, OLD_BUILD / "src", "old") for n in COPIES} if old else {}
        best: dict[tuple[str, int], float] = {}
        stats_line: dict[tuple[str, int], str] = {}
        for _ in range(ROUNDS):
            for n in COPIES:
                for label, policy in VARIANTS:
                    exe = new if label == "new" else old
                    if exe is None:
                        continue
                    key = f"{label}:{policy}" if policy else label
                    dt, out = validate(exe, (banks if label == "new" else old_banks)[n], policy)
                    best[(key, n)] = min(dt, best.get((key, n), dt))
                    m = re.search(r"^engine: .*$", out, re.M)
                    if m:
                        stats_line[(key, n)] = m.group(0)
    lo, hi = COPIES
    keys = sorted({k for k, _ in best}, key=lambda k: (k.startswith("old"), k))
    for n in COPIES:
        subs = n + 2  # the examples, reference.py and starter.py as submissions
        print(f"    N={n:2d}: {subs} submissions")
        for k in keys:
            note = stats_line.get((k, n), f"reference runs {subs} whole (engine_run ran "
                                          "reference.py for every submission)")
            print(f"      {k:11} {best[(k, n)]:6.2f} s   {note}")
    print(f"    per additional submission, (T{hi} - T{lo}) / {hi - lo}:")
    per = {k: (best[(k, hi)] - best[(k, lo)]) / (hi - lo) for k in keys}
    for k in keys:
        ratio = ""
        if "new:fresh" in per and k.startswith("new") and k != "new:fresh":
            ratio += f"   fresh / this: {per['new:fresh'] / per[k]:.2f}x"
        if "old" in per and k != "old":
            ratio += f"   old / this: {per['old'] / per[k]:.2f}x (the old build grades the " \
                     "exercise as it was then)"
        print(f"      {k:11} {per[k] * 1e3:7.1f} ms{ratio}")


if __name__ == "__main__":
    main()
