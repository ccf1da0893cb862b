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


def _ratio(x: float) -> str:
    return f"{x:g}"


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
        para(f"- {c['name']} ({share:.1f} points): {c.get('description', '')}", indent="#   ")
    perf = doc.get("performance")
    if perf:
        full, zero = perf["full_at"], perf["zero_at"]
        better = "or more" if full > zero else "or less"
        para(f"Performance ({weights['performance']} points), only once the check "
             f"{perf['check']} passes: {perf.get('describe', 'the measured ratio')}. Full marks "
             f"at {_ratio(full)} {better}, none at {_ratio(zero)}, linear in between.")
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
