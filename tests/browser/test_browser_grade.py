"""The class summary of `pyharness grade` in a real browser: headless Chromium opens
summary.html for the example class and the test checks what an instructor gets: the
charts drawn by the chart module compare uses (perf_chart.c: svg.ph-chart), with one
series per exercise and a point per graded submission named after its student, the
tables, no console error and no network request.  The screenshot is kept as a test
artefact ($PYHARNESS_ARTIFACTS, by default the build folder's test-artifacts/).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cdp import Browser, find_browser  # noqa: E402
from test_browser import CHARTS_JS  # noqa: E402

SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", str(Path(__file__).resolve().parents[2])))
BIN = os.environ.get("PYHARNESS_BIN", str(SOURCE / "build" / "pyharness"))
ARTIFACTS = Path(os.environ.get("PYHARNESS_ARTIFACTS", str(Path(BIN).parent / "test-artifacts")))
HOMEWORK = SOURCE / "examples" / "homework"

TITLES_JS = """JSON.stringify(Array.from(document.querySelectorAll(
  'svg#chart-figures g.series')).map(g => ({name: g.dataset.name,
  titles: Array.from(g.querySelectorAll('g.pt title')).map(t => t.textContent)})))"""

TABLES_JS = """JSON.stringify(Array.from(document.querySelectorAll('table')).map(t => ({
  cls: t.className, rows: t.querySelectorAll('tr').length,
  heads: Array.from(t.querySelectorAll('th')).map(h => h.textContent)})))"""


@unittest.skipUnless(find_browser(), "no chromium: tools/install-deps.sh installs it")
class GradeSummaryBrowserTest(unittest.TestCase):
    charts: list = []
    titles: list = []
    tables: list = []
    errors: list = []
    requests: list = []
    page_url = ""
    graded: dict = {}
    students = 0

    @classmethod
    def setUpClass(cls) -> None:
        out = ARTIFACTS / "grade-summary"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [BIN, "grade", str(HOMEWORK / "homework.json"), str(HOMEWORK / "class"), "--out",
             str(out), "-j", "2", "--quiet"], capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            raise AssertionError(f"grade failed ({proc.returncode}): {proc.stderr[-2000:]}")
        with sqlite3.connect(out / "grade.sqlite3") as db:
            for ex, student in db.execute(
                    "SELECT exercise, student FROM grade_runs WHERE result_json IS NOT NULL "
                    "AND wall_ns > 0 AND py_peak_bytes > 0"):
                cls.graded.setdefault(ex, set()).add(student)
            cls.students = db.execute("SELECT count(DISTINCT student) FROM grade_runs").fetchone()[0]
        cls.page_url = (out / "summary.html").resolve().as_uri()
        browser = Browser(find_browser())
        try:
            browser.open(cls.page_url)
            cls.charts = json.loads(browser.evaluate(CHARTS_JS))
            cls.titles = json.loads(browser.evaluate(TITLES_JS))
            cls.tables = json.loads(browser.evaluate(TABLES_JS))
            browser.screenshot(str(ARTIFACTS / "grade-summary.png"))
            browser.screenshot(str(ARTIFACTS / "grade-chart-scores.png"), "svg#chart-scores")
            cls.errors = browser.console_errors()
            cls.requests = browser.requests()
        finally:
            browser.close()

    def chart(self, cid: str) -> dict:
        for c in self.charts:
            if c["id"] == cid:
                return c
        raise AssertionError(f"no chart {cid} in {[c['id'] for c in self.charts]}")

    def test_the_summary_draws_only_chart_module_charts(self) -> None:
        self.assertEqual([c["id"] for c in self.charts], ["chart-scores", "chart-figures"])

    def test_the_score_distribution_has_the_assignment_and_each_exercise(self) -> None:
        c = self.chart("chart-scores")
        names = [s["name"] for s in c["series"]]
        self.assertEqual(names, ["assignment score", "wordfreq", "running-mean"])
        for s in c["series"]:
            self.assertEqual(s["points"], 10, s)  # ten bands of 10%
            self.assertTrue(s["drawn"], s)
        self.assertEqual(len(c["axisLabels"]), 2)
        self.assertGreater(c["width"], 300)
        self.assertGreater(c["height"], 200)

    def test_every_graded_submission_is_a_point_named_after_its_student(self) -> None:
        c = self.chart("chart-figures")
        got = {s["name"]: s["points"] for s in c["series"]}
        self.assertEqual(got, {ex: len(st) for ex, st in self.graded.items()})
        for s in c["series"]:
            self.assertEqual(s["points"], s["declared"])
        self.assertTrue(all("(log scale)" in label for label in c["axisLabels"]))
        for series in self.titles:
            named = {t.split(":")[0].split(", ", 1)[1] for t in series["titles"]}
            self.assertEqual(named, self.graded[series["name"]])

    def test_the_tables_are_there(self) -> None:
        classes = [t["cls"] for t in self.tables]
        for cls in ("rates", "slowest", "memory", "review", "similar"):
            self.assertIn(cls, classes)
        review = next(t for t in self.tables if t["cls"] == "review")
        self.assertEqual(review["heads"], ["student", "exercise", "why"])
        self.assertGreater(review["rows"], 1)

    def test_the_page_logs_no_console_error_and_makes_no_request(self) -> None:
        self.assertEqual(self.errors, [])
        self.assertEqual([u for u in self.requests if u != self.page_url], [])

    def test_the_screenshot_is_kept(self) -> None:
        png = ARTIFACTS / "grade-summary.png"
        self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(png.stat().st_size, 20_000)


if __name__ == "__main__":
    unittest.main()
