"""The structure of a comparison report, without its figures: what the
golden files under golden/ hold (tests/integration/test_compare.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

STRUCTURAL = {"h1", "h2", "h3", "table", "th", "svg", "figure", "figcaption", "section", "ul"}


class _Skeleton(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.text_of: str | None = None
        self.buf = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag not in STRUCTURAL:
            return
        if tag in ("h1", "h2", "h3", "th", "figcaption"):
            self.text_of, self.buf = tag, ""
            return
        keep = {k: a[k] for k in ("class", "data-series") if k in a}
        extra = "".join(f' {k}="{v}"' for k, v in sorted(keep.items()))
        self.lines.append(f"<{tag}{extra}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.text_of:
            text = re.sub(r"\s+", " ", self.buf).strip()
            self.lines.append(f"<{tag}> {mask(text)}")
            self.text_of = None

    def handle_data(self, data: str) -> None:
        if self.text_of:
            self.buf += data


def mask(text: str) -> str:
    """Hide what changes between runs and machines: paths and numbers."""
    text = re.sub(r"\S+\.py", "FILE", text)
    return re.sub(r"\d+(\.\d+)?", "N", text)


def html_skeleton(page: str) -> list[str]:
    p = _Skeleton()
    p.feed(page)
    return p.lines


def markdown_skeleton(doc: str) -> list[str]:
    out = []
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#"):
            out.append(mask(line))
        elif line.startswith("| ") and i + 1 < len(lines) and lines[i + 1].startswith("| :---"):
            out.append(mask(line))
            out.append(lines[i + 1])
        elif line.startswith("!["):
            out.append(mask(re.sub(r"\]\(.*\)", "](CHART)", line)))
        elif line.startswith("**Stopping:**"):
            out.append("**Stopping:** ...")
    return out
