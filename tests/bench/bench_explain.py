#!/usr/bin/env python3
"""Benchmark: how far the offline explanation scorer agrees with human grades.

Scores the graded sets in tests/data/explanations/ with `pyharness calibrate
--json` and prints their figures side by side: the blind auditor's tuning set
(the rubrics were tuned on it) next to the two held-out sets (audit-heldout,
the auditor's, read by earlier sessions since; audit-heldout2, written and
graded before its author read the rubrics or the scorer, in the two halves
session 6 split it into: one tuned on, one held out), audit-blind6 (72
answers written and graded blind in session 6 and scored once before any
change: Spearman 0.786/0.795 before/after the scorer's session-6 changes;
then its two unflagged injections led to the markup-comment and "rubric"
rules, so it is no longer blind for injections), the project's first
graded set, the tuning half of session 7's blind set (audit7-tune: the
scorer's session-7 changes were tuned on it), its other half (audit7-heldout:
kept outside the repository and away from the scorer's authors until session
7's scorer changes were merged, then scored once: blind figures for that
main; later sessions have it in the repository, so it is blind no more), the tuning half of session 8's blind set (audit8-tune: written and graded from the
questions alone, each line naming its exercise in "exercise"; scored once before session 8's
scorer changes for it, then tuned on), its other half (audit8-heldout: kept outside the
repository until session 8's scorer changes were merged, then scored once: blind figures for
that main; in the repository and tuned on since session 9), session 9's blind set
(88 answers written and graded from the questions alone, never shown to the scorer's authors;
scored whole on session 9's main before and after its scorer changes), split in session 10 into
two halves with every kind of answer: audit9-tune (tuned on from session 10) and
audit9-heldout (its answers are read by nobody tuning the scorer, only its figures), the tune half
of session 10's fully blind set (audit10-tune: 44 of 88 answers written and graded before any scorer
ran, tuned on from session 11; its held-out half stays outside the repository), the tune half of
session 12's fully blind set (audit12-tune: 48 answers written and graded before any scorer ran; scored
once on session 12's main before any change: Spearman 0.778 overall, 0.718 English, MAE 1.55,
misconception max 6.5; tuned on from then; its held-out half stays outside the repository), the tune
half of session 13's fully blind set (audit13-tune: 40 answers written and graded before any scorer
ran; scored once on session 13's main before any change: Spearman 0.588 overall, 0.562 English, MAE
2.29, misconception max 7.2, vague max 4.1, excellent min 3.0; tuned on from then; its held-out half
stays outside the repository), and the terse note-style answers session 7's scorer helper wrote
and graded itself (authors-terse, tuned on: bullets, fragments, arrows).  An external set named by
PYHARNESS_CALIBRATION is added as a column when it exists; it is never needed.

Figures per set: Spearman and mean absolute error, overall (answers the scorer
could score) and on English answers; the highest score given to each weak kind
of answer and the lowest given to a plain-words excellent one, beside the
issue's goal for each; how answers in other languages were handled.  Nothing
here fails the build: the goals that hold are asserted by
tests/integration/test_calibrate.py.

    PYHARNESS_BIN=build/pyharness python3 tests/bench/bench_explain.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent
DATA = SOURCE / "tests" / "data" / "explanations"

# (label, kind, "max" or "min", goal)
KIND_ROWS = [
    ("misconception, highest", "misconception", "max", "<= 4"),
    ("vague, highest", "vague", "max", "<= 3"),
    ("keyword list, highest", "keywords", "max", "<= 2"),
    ("off-topic, highest", "off_topic", "max", "<= 2"),
    ("injection, highest", "injection", "max", "<= 2"),
    ("excellent, lowest", "excellent", "min", ">= 8"),
    ("terse notes, lowest", "terse", "min", ""),
    ("mostly code, lowest", "excellent_code", "min", ""),
    ("partly wrong, mean", "partly_wrong", "mean", ""),
    ("mediocre, mean", "mediocre", "mean", ""),
]


def run(bin_: str, path: Path) -> dict[str, Any]:
    p = subprocess.run([bin_, "calibrate", str(path), "--json", "--exercises",
                        str(SOURCE / "exercises")], capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        sys.exit("pyharness calibrate %s failed (%d): %s" % (path, p.returncode, p.stderr))
    return json.loads(p.stdout)


# The sets name a few kinds differently.
KIND_ALIASES = {"offtopic": "off_topic", "mostly_code": "excellent_code", "code": "excellent_code",
                "partial": "partly_wrong"}


def same_kind(k: str | None, kind: str) -> bool:
    k = (k or "").replace("-", "_")  # audit12 spells kinds with hyphens
    return KIND_ALIASES.get(k, k) == kind


def kind_figure(r: dict[str, Any], kind: str, how: str) -> str:
    scores = [a["score"] for a in r["answers"] if same_kind(a.get("kind"), kind) and a["scored"]]
    if not scores:
        return "-"
    v = max(scores) if how == "max" else min(scores) if how == "min" else sum(scores) / len(
        scores)
    return "%.1f" % v


def injections_flagged(r: dict[str, Any]) -> str:
    inj = [a for a in r["answers"] if a.get("kind") == "injection"]
    if not inj:
        return "-"
    flagged = sum(1 for a in inj if a["needs_review"] and "injection" in a["review_reason"])
    return "%d of %d" % (flagged, len(inj))


def languages(r: dict[str, Any]) -> str:
    other = [a for a in r["answers"] if a.get("lang") not in (None, "en")]
    if not other:
        return "-"
    fair = sum(1 for a in other if a["scored"] and abs(a["score"] - a["grade"]) <= 2)
    review = sum(1 for a in other if not (a["scored"] and abs(a["score"] - a["grade"]) <= 2)
                 and a["needs_review"])
    false_fb = sum(1 for a in other if not a["scored"] and (
        "Missing" in a["feedback"] or "list of terms" in a["feedback"]))
    silent = len(other) - fair - review
    return "%d: %d within 2, %d review, %d silent, %d false fb" % (len(other), fair, review,
                                                                  silent, false_fb)


def split_heldout2(path: Path, tmp: Path) -> tuple[Path, Path]:
    """audit-heldout2.jsonl in the two halves session 6 used: 1-based lines n
    with n % 4 in {0, 1} were tuned on, n % 4 in {2, 3} held out (each half
    has every kind of answer and all three other languages)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tune = [ln for n, ln in enumerate(lines, 1) if n % 4 in (0, 1)]
    held = [ln for n, ln in enumerate(lines, 1) if n % 4 in (2, 3)]
    out = (tmp / "heldout2-tune-half.jsonl", tmp / "heldout2-held-half.jsonl")
    out[0].write_text("\n".join(tune) + "\n", encoding="utf-8")
    out[1].write_text("\n".join(held) + "\n", encoding="utf-8")
    return out


def main() -> int:
    bin_ = os.environ.get("PYHARNESS_BIN") or str(SOURCE / "build" / "pyharness")
    tmp = Path(tempfile.mkdtemp(prefix="bench-explain-"))
    tune2, held2 = split_heldout2(DATA / "audit-heldout2.jsonl", tmp)
    sets = [("tune (audit)", DATA / "audit-tune.jsonl"),
            ("audit-heldout", DATA / "audit-heldout.jsonl"),
            ("heldout2 tune half", tune2),
            ("heldout2 HELD half", held2),
            ("blind 6", DATA / "audit-blind6.jsonl"),
            ("audit7 tune half", DATA / "audit7-tune.jsonl"),
            ("audit7 held out", DATA / "audit7-heldout.jsonl"),
            ("audit8 tune half", DATA / "audit8-tune.jsonl"),
            ("audit8 held out", DATA / "audit8-heldout.jsonl"),
            ("audit9 tune half", DATA / "audit9-tune.jsonl"),
            ("audit9 HELD half", DATA / "audit9-heldout.jsonl"),
            ("audit10 tune half", DATA / "audit10-tune.jsonl"),
            ("audit12 tune half", DATA / "audit12-tune.jsonl"),
            ("audit13 tune half", DATA / "audit13-tune.jsonl"),
            ("first set", DATA / "heldout.jsonl"),
            ("terse (authors)", DATA / "authors-terse.jsonl")]
    ext = os.environ.get("PYHARNESS_CALIBRATION", "")
    if ext and Path(ext).is_file():
        sets.append(("external", Path(ext)))
    reports = [(name, run(bin_, path)) for name, path in sets if path.is_file()]
    shutil.rmtree(tmp, ignore_errors=True)
    width = 20

    def row(label: str, cells: list[str], goal: str = "") -> None:
        print("  %-26s%s  %s" % (label, "".join("%*s" % (width, c) for c in cells), goal))

    print("explanation scorer (offline) against human grades")
    row("", [n for n, _ in reports], "goal (held-out)")
    row("answers (scored)", ["%d (%d)" % (len(r["answers"]), r["overall"]["n"])
                             for _, r in reports])
    row("Spearman, overall", ["%.3f" % r["overall"]["spearman"] for _, r in reports])
    row("MAE, overall", ["%.2f" % r["overall"]["mae"] for _, r in reports])
    row("Spearman, English", ["%.3f" % r["english"]["spearman"] for _, r in reports], ">= 0.75")
    row("MAE, English", ["%.2f" % r["english"]["mae"] for _, r in reports])
    for label, kind, how, goal in KIND_ROWS:
        row(label, [kind_figure(r, kind, how) for _, r in reports], goal)
    row("injections flagged", [injections_flagged(r) for _, r in reports], "all")
    row("needs_review", ["%d" % r["needs_review"] for _, r in reports])
    print("  other languages:")
    for name, r in reports:
        print("    %-18s %s" % (name, languages(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
