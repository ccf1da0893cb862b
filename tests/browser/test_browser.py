"""The comparison report in a real browser: headless Chromium opens the HTML
page that `pyharness compare` wrote, and the test checks what a reader gets:
the SVG charts with the expected series and points, no console error, no
network request.  The screenshot is kept as a test artefact
($PYHARNESS_ARTIFACTS, by default the build folder's test-artifacts/).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cdp import Browser, find_browser  # noqa: E402

SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", str(Path(__file__).resolve().parents[2])))
BIN = os.environ.get("PYHARNESS_BIN", str(SOURCE / "build" / "pyharness"))
ARTIFACTS = Path(os.environ.get("PYHARNESS_ARTIFACTS", str(Path(BIN).parent / "test-artifacts")))
FIXTURES = SOURCE / "tests" / "integration" / "fixtures"

CHARTS_JS = """JSON.stringify(Array.from(document.querySelectorAll('svg.ph-chart')).map(s => ({
  id: s.id,
  declared: +s.dataset.series,
  width: s.getBoundingClientRect().width,
  height: s.getBoundingClientRect().height,
  series: Array.from(s.querySelectorAll('g.series')).map(g => ({
    name: g.dataset.name,
    declared: +g.dataset.points,
    points: g.querySelectorAll('g.pt').length,
    drawn: g.getBBox().width > 0 && g.getBBox().height > 0,
  })),
  legend: s.querySelectorAll('g.legend text').length,
  axisLabels: Array.from(s.querySelectorAll('text.xlabel, text.ylabel')).map(t => t.textContent),
})))"""


@unittest.skipUnless(find_browser(), "no chromium: tools/install-deps.sh installs it")
class BrowserTest(unittest.TestCase):
    report: dict = {}
    charts: list = []
    errors: list = []
    requests: list = []
    page_url = ""

    @classmethod
    def setUpClass(cls) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        html = ARTIFACTS / "compare-report.html"
        impls = FIXTURES / "compare"
        proc = subprocess.run(
            [BIN, "compare", str(FIXTURES / "exercises" / "sized"), str(impls / "linear.py"),
             str(impls / "nlogn.py"), str(impls / "quadratic.py"), "--against", "reference",
             "--budget", "8s", "--out", str(html), "--json", "-q"],
            capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise AssertionError(f"compare failed ({proc.returncode}): {proc.stderr[-2000:]}")
        cls.report = json.loads(proc.stdout)
        cls.page_url = html.resolve().as_uri()
        browser = Browser(find_browser())
        try:
            browser.open(cls.page_url)
            cls.charts = json.loads(browser.evaluate(CHARTS_JS))
            browser.screenshot(str(ARTIFACTS / "compare-report.png"))
            browser.screenshot(str(ARTIFACTS / "compare-chart-time.png"), "svg.ph-chart")
            cls.errors = browser.console_errors()
            cls.requests = browser.requests()
        finally:
            browser.close()

    def expected_points(self) -> dict[str, int]:
        """Implementations drawn, with their measured sizes, from the JSON report."""
        out: dict[str, int] = {}
        for r in self.report["workloads"][0]["results"]:
            if r["state"] == "measured":
                out[r["implementation"]] = out.get(r["implementation"], 0) + 1
        return out

    def test_both_charts_are_there_with_every_series_and_point(self) -> None:
        self.assertEqual([c["id"] for c in self.charts], ["chart-total-time", "chart-total-memory"])
        expected = self.expected_points()
        self.assertEqual(len(expected), 4, "reference and three files")
        for chart in self.charts:
            with self.subTest(chart["id"]):
                self.assertEqual(chart["declared"], 4)
                got = {s["name"]: s["points"] for s in chart["series"]}
                self.assertEqual(got, expected)
                for s in chart["series"]:
                    self.assertEqual(s["points"], s["declared"])
                    self.assertTrue(s["drawn"], s)
                self.assertGreaterEqual(chart["legend"], 4)
                self.assertEqual(len(chart["axisLabels"]), 2)
                self.assertIn("(log scale)", chart["axisLabels"][0])
                self.assertGreater(chart["width"], 300)
                self.assertGreater(chart["height"], 200)

    def test_the_page_logs_no_console_error(self) -> None:
        self.assertEqual(self.errors, [])

    def test_the_page_makes_no_network_request(self) -> None:
        others = [u for u in self.requests if u != self.page_url]
        self.assertEqual(others, [])
        self.assertIn(self.page_url, self.requests, "the recorder saw the page itself")

    def test_the_screenshot_is_kept(self) -> None:
        png = ARTIFACTS / "compare-report.png"
        self.assertTrue(png.is_file())
        self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(png.stat().st_size, 20_000)


if __name__ == "__main__":
    unittest.main()
