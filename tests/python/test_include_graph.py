"""The include graph of harness/ has no cycles, no link cycle ties two folders
together, and every header has its own .c.

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


# Link cycles across folders known to exist, each with the work that removes
# it; the test fails once one is gone, so that it leaves this list.
KNOWN_CROSS_FOLDER: dict[frozenset[str], str] = {}


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


def module_graph(found: dict[str, Path]) -> dict[str, set[str]]:
    """A .c and its .h are one module (what links together); module -> modules it uses."""
    g: dict[str, set[str]] = {}
    for name, path in found.items():
        m = name[:-2]
        g.setdefault(m, set())
        for h in INCLUDE.findall(path.read_text()):
            if h in found and h[:-2] != m:
                g[m].add(h[:-2])
    return g


def strongly_connected(g: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def cross_folder_edges(found: dict[str, Path], comp: set[str]) -> set[frozenset[str]]:
    """The #include lines that tie `comp` across folders: {including file, header}."""
    folder = {name[:-2]: p.parent.name for name, p in found.items()}
    edges = set()
    for name, path in found.items():
        if name[:-2] not in comp:
            continue
        for h in INCLUDE.findall(path.read_text()):
            if h in found and h[:-2] in comp and folder[h[:-2]] != path.parent.name:
                edges.add(frozenset({name, h}))
    return edges


class IncludeGraphTests(unittest.TestCase):
    def test_no_link_cycle_crosses_a_folder(self):
        # Files that split one concern inside one folder (sandbox_*.c, measure_*.c) may
        # call each other both ways; two concerns must not (explain <-> llm once did).
        found = files()
        problems = []
        seen_known = set()
        for comp in strongly_connected(module_graph(found)):
            folders = {found[m + ".c"].parent.name if m + ".c" in found else
                       found[m + ".h"].parent.name for m in comp}
            if len(folders) < 2:
                continue
            edges = cross_folder_edges(found, comp)
            back = [e for e in edges if e in KNOWN_CROSS_FOLDER]
            seen_known.update(back)
            if not back:
                problems.append("link cycle across " + ", ".join(sorted(folders)) + ": " +
                                ", ".join(sorted(comp)))
        for known in KNOWN_CROSS_FOLDER:
            if known not in seen_known:
                problems.append(f"{sorted(known)} no longer closes a cycle: drop it from "
                                "KNOWN_CROSS_FOLDER")
        self.assertEqual(problems, [])

    def test_the_module_cycle_finder_finds_one(self):
        self.assertEqual(strongly_connected({"a": {"b"}, "b": {"a"}, "c": {"a"}}), [{"a", "b"}])
        self.assertEqual(strongly_connected({"a": {"b"}, "b": set()}), [])


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
