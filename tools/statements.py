#!/usr/bin/env python3
"""Render each exercise's grading terms from exercise.json into its starter.py.

exercise.json is the one source of every threshold: check descriptions, the
performance ratio and the points where it earns full and no marks.  The block
between the two marker lines at the end of starter.py is generated from it, so
the statement a candidate reads and the checks that grade it cannot disagree.

    python3 tools/statements.py            rewrite every starter.py
    python3 tools/statements.py --check    exit 1 if any starter.py is stale
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

BEGIN = "# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----"
END = "# ---- end of the grading terms ----"


DEFAULT_TIMEOUT_S = 20  # a check's timeout_s when exercise.json gives none (docs/exercise-format.md)


def _bound(r: float, memory: bool) -> str:
    """ratio.c's ratio_bound(): a factor of 1 or more and a direction word."""
    if r == 1:
        return "the same memory" if memory else "the same speed"
    worse, f = r >= 1, r if r >= 1 else 1 / r
    if f >= 1e6:
        text = "over 1000000x"
    else:
        text = f"{f:.{2 if f < 10 else 1 if f < 100 else 0}f}x"
    words = ("more memory", "less memory") if memory else ("slower", "faster")
    return f"{text} {words[0] if worse else words[1]}"


def terms(perf: dict) -> str:
    """The performance marks' bounds in ratio.c's words (ratio_terms()); `pyharness show --json`
    prints the same string as performance.terms, and test_cli holds the two together."""
    full, zero = perf["full_at"], perf["zero_at"]
    num, den = perf["ratio"]["num"], perf["ratio"]["den"]
    kind = lambda p: "time" if str(p).endswith("_ns") else "memory" if str(p).endswith("_bytes") else None
    other = lambda p: ("the reference" if str(p).startswith("ref.") else
                       "the baseline" if str(p).startswith("base.") else None)
    pair = None
    if kind(num) and kind(num) == kind(den):
        if str(num).startswith("cand.") and other(den):
            pair = (True, other(den))
        elif str(den).startswith("cand.") and other(num):
            pair = (False, other(num))
    if pair is None or full <= 0 or zero <= 0:
        more = full > zero
        return (f"full marks at a ratio of {full:g} or {'more' if more else 'less'}, none at "
                f"{zero:g} or {'less' if more else 'more'}")
    top, who = pair
    memory = kind(num) == "memory"
    better = full < zero if top else full > zero
    b = lambda at: _bound(at if top else 1 / at, memory)
    return (f"full marks at {b(full)} than {who} or {'better' if better else 'worse'}, "
            f"none at {b(zero)} or {'worse' if better else 'better'}")


def render(doc: dict) -> str:
    weights = doc.get("weights", {"correctness": 60, "performance": 20, "explanation": 20})
    checks = doc.get("checks", [])
    total = sum(c.get("weight", 1) for c in checks) or 1
    out = [BEGIN]

    def para(text: str, indent: str = "# ") -> None:
        out.extend(textwrap.wrap(text, width=92, initial_indent=indent,
                                 subsequent_indent=indent + "  " if indent != "# " else indent))

    para(f"Correctness ({weights['correctness']} points) is the weighted share of these checks "
         "that pass; each is compared with the reference solution's behaviour:")
    for c in checks:
        share = weights["correctness"] * c.get("weight", 1) / total
        limit = c.get("timeout_s", DEFAULT_TIMEOUT_S)
        para(f"- {c['name']} ({share:.1f} points, stopped after {limit:g} s): "
             f"{c.get('description', '')}", indent="#   ")
    perf = doc.get("performance")
    if perf:
        para(f"Performance ({weights['performance']} points), only once the check "
             f"{perf['check']} passes: {perf.get('describe', 'the measured ratio')}; "
             f"{terms(perf)}, linear in between.")
    para(f"Explanation ({weights['explanation']} points): your written answer to the exercise's "
         "question, scored against its rubric.")
    out.append(END)
    return "\n".join(out) + "\n"


def apply(text: str, block: str) -> str:
    if BEGIN in text:
        head = text[: text.index(BEGIN)].rstrip("\n")
        tail = text[text.index(END) + len(END):].lstrip("\n") if END in text else ""
        text = head + "\n" + (tail and tail + "\n")
    return text.rstrip("\n") + "\n\n\n" + block


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1] / "exercises"
    check = "--check" in argv
    stale = []
    for ex in sorted(root.glob("*/exercise.json")):
        starter = ex.parent / "starter.py"
        if not starter.exists():
            continue
        doc = json.loads(ex.read_text(encoding="utf-8"))
        old = starter.read_text(encoding="utf-8")
        new = apply(old, render(doc))
        if new != old:
            stale.append(str(starter))
            if not check:
                starter.write_text(new, encoding="utf-8")
    if check and stale:
        print("stale grading terms (run python3 tools/statements.py):\n  " + "\n  ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
