"""The include graph of harness/ has no cycles, and every header has its own .c.

Built from the `#include "..."` lines alone, as a reader would follow them: a
layer below never includes one above (STYLE.md, "Layout as the code grows").
"""

from __future__ import annotations

import os
import re
import unittest
from pathlib import Path

SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", Path(__file__).resolve().parents[2]))
HARNESS = SOURCE / "harness"
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A declaration of a function at file level: a header that has one needs a .c
# of its own; a header without any holds only types and constants.
FUNC_DECL = re.compile(r"^[A-Za-z_][\w \*]*\b([a-z_][a-z0-9_]*)\s*\([^;{]*\)\s*(__attribute__.*)?;",
                       re.M)


# Headers known to declare functions another file implements, each with the
# work that removes it; the test fails once one no longer needs its place.
KNOWN_LONELY: dict[str, str] = {}


def files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for p in sorted(HARNESS.glob("*/*.[ch]")):
        if p.name in found:
            raise AssertionError(f"two files are named {p.name}: {found[p.name]} and {p}")
        found[p.name] = p
    return found


def graph(found: dict[str, Path]) -> dict[str, list[str]]:
    g: dict[str, list[str]] = {}
    for name, path in found.items():
        if name.endswith(".h"):
            g[name] = [h for h in INCLUDE.findall(path.read_text()) if h in found]
    return g


def find_cycle(g: dict[str, list[str]]) -> list[str] | None:
    """A cycle as a list of headers (first == last), or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {n: WHITE for n in g}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        colour[n] = GREY
        stack.append(n)
        for m in g.get(n, []):
            if colour.get(m) == GREY:
                return stack[stack.index(m):] + [m]
            if colour.get(m) == WHITE:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        colour[n] = BLACK
        return None

    for n in sorted(g):
        if colour[n] == WHITE:
            c = visit(n)
            if c:
                return c
    return None


class IncludeGraphTests(unittest.TestCase):
    def test_the_headers_of_harness_include_no_cycle(self):
        cycle = find_cycle(graph(files()))
        self.assertIsNone(cycle, "include cycle: " + " -> ".join(cycle or []))

    def test_the_cycle_finder_finds_a_cycle(self):
        self.assertEqual(find_cycle({"a.h": ["b.h"], "b.h": ["c.h"], "c.h": ["a.h"]}),
                         ["a.h", "b.h", "c.h", "a.h"])
        self.assertIsNone(find_cycle({"a.h": ["b.h"], "b.h": [], "c.h": ["a.h", "b.h"]}))

    def test_a_header_that_declares_functions_has_its_own_c_file(self):
        found = files()
        lonely = []
        for name, path in found.items():
            if not name.endswith(".h") or name[:-2] + ".c" in found:
                continue
            text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
            decls = [m.group(1) for m in FUNC_DECL.finditer(text)]
            if decls and name not in KNOWN_LONELY:
                lonely.append(f"{name} ({', '.join(decls[:3])})")
            if not decls and name in KNOWN_LONELY:
                lonely.append(f"{name} is fine now: drop it from KNOWN_LONELY")
        for name in KNOWN_LONELY:
            if name[:-2] + ".c" in found:
                lonely.append(f"{name} has its .c now: drop it from KNOWN_LONELY")
        self.assertEqual(lonely, [], "headers whose functions live in another file")


if __name__ == "__main__":
    unittest.main()
