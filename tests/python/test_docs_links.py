"""The README and docs/ point only at files inside the repository, and every file they name
exists: a reader with a clone follows every link (issue 17)."""

from __future__ import annotations

import os
import re
import unittest
from pathlib import Path

SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", Path(__file__).resolve().parents[2]))
LINK = re.compile(r"\]\(([^)#\s]+)")
# A path in backquotes that starts at a top-level folder of the repository, or climbs out of it.
TOP = ("docs", "harness", "tests", "tools", "exercises", "questions", "python", "reports",
       "examples")
CODE_PATH = re.compile(r"`((?:\.\./|/work/|/home/)[^`\s]*|(?:%s)/[^`\s]+)`" % "|".join(TOP))


def documents() -> list[Path]:
    return [SOURCE / "README.md", *sorted((SOURCE / "docs").glob("*.md"))]


class DocsPointInsideTheRepository(unittest.TestCase):
    def test_links_resolve_to_files_in_the_repository(self):
        for doc in documents():
            for target in LINK.findall(doc.read_text(encoding="utf-8")):
                if re.match(r"[a-z]+:", target):
                    continue  # a URL
                path = (doc.parent / target).resolve()
                self.assertTrue(path.is_relative_to(SOURCE.resolve()), f"{doc.name}: {target}")
                self.assertTrue(path.exists(), f"{doc.name}: {target} does not exist")

    def test_paths_in_the_text_name_files_that_exist(self):
        for doc in documents():
            for target in CODE_PATH.findall(doc.read_text(encoding="utf-8")):
                self.assertFalse(target.startswith(("../", "/")), f"{doc.name}: {target}")
                clean = target.rstrip(".,:;)").split(":")[0]
                if any(c in clean for c in "*<>{}[]$"):
                    continue  # a pattern or a placeholder, not a file
                self.assertTrue((SOURCE / clean).exists(), f"{doc.name}: {target} does not exist")


if __name__ == "__main__":
    unittest.main()
