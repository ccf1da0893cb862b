"""The class summary of `pyharness grade` in a real browser: headless Chromium opens
summary.html for the example class and the test checks what an instructor gets: the
charts drawn by the chart module compare uses (perf_chart.c: svg.ph-chart), with one
series per exercise and a point per graded submission named after its student, the
distribution of the students' speed against the reference per exercise (each point a
student at the ratio the store's result carries), the tables, no console error and no
network request.  The screenshot is kept as a test
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

SPEED_JS = """JSON.stringify(Array.from(document.querySelectorAll(
  'svg#chart-speed g.series')).map(g => ({name: g.dataset.name,
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
    speeds: dict = {}
    speed_titles: list = []
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
            # Speed against the reference, from each result's own figures: the
            # reference's time over the student's (this homework's ratios are
            # ref.*_ns / cand.*_ns).
            for ex, student, rj in db.execute(
                    "SELECT exercise, student, result_json FROM grade_runs WHERE result_json "
                    "IS NOT NULL"):
                perf = json.loads(rj).get("performance") or {}
                num, den = perf.get("num") or 0, perf.get("den") or 0
                if (num > 0 and den > 0
                        and str(perf.get("num_of", "")).startswith("ref.")
                        and str(perf.get("den_of", "")).startswith("cand.")):
                    cls.speeds.setdefault(ex, {})[student] = num / den
        cls.page_url = (out / "summary.html").resolve().as_uri()
        browser = Browser(find_browser())
        try:
            browser.open(cls.page_url)
            cls.charts = json.loads(browser.evaluate(CHARTS_JS))
            cls.titles = json.loads(browser.evaluate(TITLES_JS))
            cls.speed_titles = json.loads(browser.evaluate(SPEED_JS))
            cls.tables = json.loads(browser.evaluate(TABLES_JS))
            browser.screenshot(str(ARTIFACTS / "grade-summary.png"))
            browser.screenshot(str(ARTIFACTS / "grade-chart-scores.png"), "svg#chart-scores")
            browser.screenshot(str(ARTIFACTS / "grade-chart-speed.png"), "svg#chart-speed")
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
        self.assertEqual([c["id"] for c in self.charts],
                         ["chart-scores", "chart-speed", "chart-figures"])

    def test_the_speed_distribution_has_a_point_per_timed_student_at_their_ratio(self) -> None:
        c = self.chart("chart-speed")
        # The example class has timed students in both exercises, some slower
        # than the reference and some not.
        self.assertEqual({s["name"] for s in c["series"]}, set(self.speeds))
        self.assertGreaterEqual(len(self.speeds), 2)
        for s in c["series"]:
            self.assertEqual(s["points"], len(self.speeds[s["name"]]), s)
            self.assertEqual(s["points"], s["declared"])
            self.assertTrue(s["drawn"], s)
        self.assertTrue(any("(log scale)" in label for label in c["axisLabels"]), c["axisLabels"])
        for series in self.speed_titles:
            want = self.speeds[series["name"]]
            got = {}
            shares = []
            for t in series["titles"]:
                # "wordfreq, dave: 50 at 0.118x": student, share of the class, ratio.
                head, tail = t.split(": ", 1)
                share, ratio = tail.split(" at ")
                got[head.split(", ", 1)[1]] = float(ratio.rstrip("x"))
                shares.append(float(share))
            self.assertEqual(set(got), set(want))
            for student, r in got.items():
                self.assertAlmostEqual(r, want[student], delta=0.006 * want[student], msg=student)
            # An empirical distribution: the share rises to the whole class.
            self.assertEqual(shares, sorted(shares))
            self.assertEqual(shares[-1], 100)

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
