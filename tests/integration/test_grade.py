"""pyharness grade / merge / gradescope on the example class (examples/homework).

The class is graded once with -j 2 for the read-only checks; the tests that
change submissions or kill the grader work on copies in a temporary folder.
Performance marks are measured and may move between runs on a busy 2-core
machine: correctness (verdicts and correctness points) is compared exactly,
totals within GRADE_TOLERANCE points per student: the stability bound of
issue 11, 1 point in 100, is 0.15 of the class's 15 (the performance parts
of the two exercises, graded on CPU time, are worth 1.5 of them).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest
import zipfile
from pathlib import Path

from phtest import BIN, SOURCE, check_stored_results, run

HW = SOURCE / "examples" / "homework"
HOMEWORK = HW / "homework.json"
CLASS = HW / "class"
GRADE_TOLERANCE = 0.15
SANITIZED = os.environ.get("PYHARNESS_SANITIZED") == "1"

# Gradescope's results.json fields, from its published autograder
# specification (gradescope-autograders.readthedocs.io/en/latest/specs/).
GS_TOP = {"score", "execution_time", "output", "output_format", "test_output_format",
          "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
          "leaderboard"}
GS_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output",
           "output_format", "tags", "visibility", "extra_data"}
GS_VIS = {"hidden", "after_due_date", "after_published", "visible"}
GS_FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def gradebook(path: Path) -> dict[str, dict]:
    with open(path, newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def parts(store: Path) -> dict[tuple[str, str], tuple]:
    with sqlite3.connect(store) as db:
        return {(r[0], r[1]): r[2:] for r in db.execute(
            "SELECT student, exercise, status, round(correctness, 6), total FROM grade_runs")}


def wait_until_graded(proc: subprocess.Popen, store: Path, n: int, timeout: float = 120) -> None:
    """Until `n` parts are recorded in `store`, or `proc` ends, or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(store, timeout=1) as db:
                graded = db.execute("SELECT count(*) FROM grade_runs WHERE "
                                    "result_json IS NOT NULL").fetchone()[0]
        except sqlite3.Error:
            continue
        if graded >= n:
            return


def grade(*args: str, env: dict | None = None, timeout: float = 400):
    return run("grade", str(HOMEWORK), *args, "--quiet", env=env, timeout=timeout)


def check_gradescope_schema(t: unittest.TestCase, res: dict) -> None:
    t.assertTrue(set(res) <= GS_TOP, set(res) - GS_TOP)
    t.assertIsInstance(res["score"], (int, float))
    t.assertIsInstance(res["execution_time"], (int, float))
    t.assertIsInstance(res["output"], str)
    t.assertIn(res["output_format"], GS_FORMATS)
    t.assertIn(res["visibility"], GS_VIS)
    t.assertIn(res["stdout_visibility"], GS_VIS)
    t.assertTrue(res["tests"])
    for test in res["tests"]:
        t.assertTrue(set(test) <= GS_TEST, set(test) - GS_TEST)
        for key in ("name", "number", "score", "max_score", "status", "output", "visibility",
                    "tags"):
            t.assertIn(key, test)
        t.assertIn(test["status"], {"passed", "failed"})
        t.assertIn(test["visibility"], GS_VIS)
        t.assertLessEqual(test["score"], test["max_score"] + 1e-9)
        t.assertTrue(all(isinstance(x, str) for x in test["tags"]))
    for entry in res["leaderboard"]:
        t.assertEqual(set(entry) - {"name", "value", "order"}, set())
        t.assertIn(entry.get("order", "desc"), {"asc", "desc"})


def assert_same_grades(t: unittest.TestCase, a: Path, b: Path) -> None:
    """The same verdicts and correctness points exactly; totals within GRADE_TOLERANCE.

    Against a sanitizer build (PYHARNESS_SANITIZED) only the same parts, none
    crashed: there the worker is forked from an instrumented host, so its page
    faults and times are ASan's (a slow student's run timed out; a constant-
    memory generator touched new shadow pages and failed memory_constant),
    and the release build's run of this suite is the one that checks fairness."""
    pa, pb = parts(a / "grade.sqlite3"), parts(b / "grade.sqlite3")
    t.assertEqual(set(pa), set(pb))
    if SANITIZED:
        for key in pa:
            t.assertNotEqual(pa[key][0], "crashed", key)
            t.assertNotEqual(pb[key][0], "crashed", key)
        return
    for key in pa:
        t.assertEqual(pa[key][:2], pb[key][:2], key)
    ga, gb = gradebook(a / "gradebook.csv"), gradebook(b / "gradebook.csv")
    t.assertEqual(set(ga), set(gb))
    for student in ga:
        t.assertAlmostEqual(float(ga[student]["score"]), float(gb[student]["score"]),
                            delta=GRADE_TOLERANCE, msg=student)


class GradeClass(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="ph-grade-"))
        cls.out = cls.tmp / "results"
        cls.res = grade(str(CLASS), "--out", str(cls.out), "-j", "2", "--format",
                        "canvas,moodle", "--as-of", "2026-11-10T00:00:00Z")
        cls.book = gradebook(cls.out / "gradebook.csv") if cls.res.rc == 0 else {}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_recorded_part_is_a_result_of_the_shipped_schema(self):
        # run() checks them after every grade; this one says there were some to check.
        self.assertGreater(check_stored_results(self.out / "grade.sqlite3"), 0)

    def test_every_student_has_a_row_whatever_they_submitted(self):
        self.assertEqual(self.res.rc, 0, self.res.stderr[-2000:])
        self.assertEqual(sorted(self.book), ["alice", "bob", "carol", "dave", "erin", "frank",
                                             "grace", "heidi", "ivan", "judy", "mallory", "oscar"])

    def test_gradebook_numbers(self):
        alice = self.book["alice"]
        # Full correctness and explanations; only the performance points are timed.
        self.assertGreaterEqual(float(alice["score"]), 15.0 - GRADE_TOLERANCE)
        self.assertEqual(float(alice["max_score"]), 15.0)
        self.assertEqual(alice["timestamp"], "2026-11-20T20:05:00Z")
        for who in ("carol", "frank", "judy"):
            self.assertEqual(float(self.book[who]["score"]), 0.0 if who != "carol" else
                             float(self.book[who]["score"]))
        self.assertEqual(float(self.book["frank"]["score"]), 0.0)
        self.assertEqual(float(self.book["judy"]["score"]), 0.0)
        self.assertEqual(float(self.book["heidi"]["wordfreq (10)"]), 0.0)
        # Full correctness (3.5 of 5) whatever the timing-based performance points
        # (running-mean's memory check is measured: see assert_same_grades).
        if not SANITIZED:
            self.assertGreaterEqual(float(self.book["heidi"]["running-mean (5)"]), 3.5)
        self.assertGreaterEqual(float(self.book["mallory"]["wordfreq (10)"]), 7.0)  # from a zip
        self.assertEqual(float(self.book["oscar"]["wordfreq (10)"]), 0.0)  # endless loop
        st = parts(self.out / "grade.sqlite3")
        self.assertEqual(st[("alice", "wordfreq")][:2], ("passed", 70.0))
        if not SANITIZED:
            self.assertEqual(st[("alice", "running-mean")][:2], ("passed", 70.0))
        self.assertEqual(st[("frank", "wordfreq")][0], "rejected")
        self.assertEqual(st[("oscar", "wordfreq")][0], "timeout")
        self.assertEqual(st[("erin", "wordfreq")][0], "memory_limit")
        self.assertEqual(st[("heidi", "wordfreq")][0], "missing")
        self.assertEqual(st[("judy", "wordfreq")][0], "invalid")
        self.assertEqual(st[("carol", "wordfreq")][0], "error")
        for row in self.book.values():
            total = sum(float(row[c]) for c in ("wordfreq (10)", "running-mean (5)"))
            self.assertAlmostEqual(float(row["raw_score"]), total, places=2)
            self.assertAlmostEqual(float(row["score"]),
                                   float(row["raw_score"]) - float(row["late_penalty"]), places=2)

    def test_late_policy(self):
        # grace: 2026-11-22T10:00Z, due 11-20T23:59Z + 15 min grace: 2 days at 10 %/day.
        grace = self.book["grace"]
        self.assertEqual(grace["days_late"], "2")
        self.assertAlmostEqual(float(grace["late_penalty"]), round(float(grace["raw_score"]) * 0.2, 2),
                               places=2)
        # bob's last file came 11 minutes after the due date: inside the grace period.
        self.assertEqual(self.book["bob"]["days_late"], "0")
        self.assertEqual(float(self.book["bob"]["late_penalty"]), 0.0)

    def test_student_messages_name_the_file_and_the_problem(self):
        heidi = (self.out / "heidi" / "feedback.md").read_text()
        self.assertIn("WordFreq.py was submitted, but names are case-sensitive", heidi)
        judy = (self.out / "judy" / "feedback.md").read_text()
        self.assertIn("not UTF-8 text", judy)
        self.assertIn("the file is empty", judy)
        oscar = (self.out / "oscar" / "feedback.md").read_text()
        self.assertIn("over this assignment's budget of 5", oscar)

    def test_results_json_follows_gradescope_and_carries_visibility(self):
        for student in self.book:
            res = json.loads((self.out / student / "results.json").read_text(encoding="utf-8"))
            check_gradescope_schema(self, res)
            self.assertAlmostEqual(res["score"], float(self.book[student]["score"]), places=2)
        alice = json.loads((self.out / "alice" / "results.json").read_text())
        vis = {t["name"]: t["visibility"] for t in alice["tests"]}
        self.assertEqual(vis["wordfreq: counts_basic"], "visible")
        self.assertEqual(vis["wordfreq: counts_edge"], "after_due_date")  # hidden in the exercise
        self.assertEqual(vis["wordfreq: speed"], "after_published")  # homework override
        self.assertAlmostEqual(sum(t["max_score"] for t in alice["tests"]), 15.0, delta=0.05)
        names = {e["name"] for e in alice["leaderboard"]}
        # Both exercises time alice against the reference: her speed in each, higher better.
        self.assertEqual(names, {"Time (s)", "Peak memory (MB)",
                                 "wordfreq: speed vs reference (x)",
                                 "running-mean: speed vs reference (x)"})
        for e in alice["leaderboard"]:
            if "speed vs reference" in e["name"]:
                self.assertEqual(e["order"], "desc")
                self.assertGreater(e["value"], 0)

    def test_feedback_shows_checks_by_visibility_before_and_after_the_due_date(self):
        before = (self.out / "alice" / "feedback.md").read_text()
        self.assertIn("counts\\_basic", before)
        self.assertNotIn("counts\\_edge", before)
        self.assertNotIn("Model answer", before)
        html = (self.out / "alice" / "feedback.html").read_text()
        self.assertNotIn("<script", html)
        self.assertNotIn("http://", html.replace("http://www.w3.org", ""))
        after_dir = self.tmp / "after"
        shutil.copytree(self.out, after_dir)
        r = grade(str(CLASS), "--out", str(after_dir), "--as-of", "2026-12-01T00:00:00Z")
        self.assertEqual(r.rc, 0, r.stderr[-1000:])
        after = (after_dir / "alice" / "feedback.md").read_text()
        wordfreq = after.split("## running-mean")[0]
        self.assertIn("counts\\_edge", wordfreq)
        self.assertNotIn("| speed |", wordfreq)  # after_published: not yet published
        self.assertIn("Model answer", after)
        r = grade(str(CLASS), "--out", str(after_dir), "--as-of", "2026-12-01T00:00:00Z",
                  "--published")
        wordfreq = (after_dir / "alice" / "feedback.md").read_text().split("## running-mean")[0]
        self.assertIn("| speed |", wordfreq)

    def test_review_queue_lists_the_copied_pair_and_the_hostile_submission(self):
        html = (self.out / "summary.html").read_text()
        queue = html[html.index("Review queue"):]
        self.assertIn("frank", queue[:queue.index("Near-identical")])
        self.assertIn("rejected", queue)
        pairs = [row.split('class="students">')[1].split("</td>")[0]
                 for row in queue.split('<tr class="pairrow">')[1:]]
        self.assertIn("alice &amp; ivan", pairs)
        # Honest solutions of the same exercise are not reported.
        self.assertEqual([p for p in pairs if "ivan" not in p], [], pairs)
        self.assertIn("shared passages", queue)
        self.assertIn("<svg", html)
        self.assertIn("Slowest submissions", html)
        self.assertIn("Most memory-hungry submissions", html)

    def test_junit_and_lms_gradebooks(self):
        import xml.etree.ElementTree as ET
        root = ET.parse(self.out / "junit.xml").getroot()
        self.assertEqual(len(root.findall("testsuite")), 12)
        canvas = (self.out / "gradebook-canvas.csv").read_text().splitlines()
        self.assertTrue(canvas[0].startswith("Student,ID,SIS User ID,SIS Login ID,Section,"))
        moodle = (self.out / "gradebook-moodle.csv").read_text().splitlines()
        self.assertTrue(moodle[0].startswith("ID number,"))

    def test_a_second_run_grades_nothing_unchanged(self):
        copy = self.tmp / "rerun"
        shutil.copytree(self.out, copy)
        r = run("grade", str(HOMEWORK), str(CLASS), "--out", str(copy))
        self.assertEqual(r.rc, 0, r.stderr[-1000:])
        self.assertIn("0 parts graded", r.stderr)
        self.assertIn("24 unchanged", r.stderr)

    def test_shards_merged_equal_the_single_run(self):
        shard_dirs = []
        for k in (1, 2):
            d = self.tmp / f"shard-{k}"
            r = grade(str(CLASS), "--out", str(d), "--shard", f"{k}/2", "-j", "2")
            self.assertEqual(r.rc, 0, r.stderr[-1000:])
            shard_dirs.append(str(d))
        sizes = [len(gradebook(Path(d) / "gradebook.csv")) for d in shard_dirs]
        self.assertEqual(sum(sizes), 12)
        self.assertTrue(all(s > 0 for s in sizes), sizes)
        merged = self.tmp / "merged"
        r = run("merge", *shard_dirs, "--out", str(merged))
        self.assertEqual(r.rc, 0, r.stderr[-1000:])
        self.assert_same_grades(self.out, merged)
        r = run("merge", shard_dirs[0], shard_dirs[0], "--out", str(self.tmp / "dup"))
        self.assertEqual(r.rc, 2)
        self.assertIn("graded in two shards", r.stderr)
        self.assertEqual(r.stderr.count(shard_dirs[0]), 2)

    def test_one_worker_and_two_workers_give_the_same_grades(self):
        one = self.tmp / "j1"
        r = grade(str(CLASS), "--out", str(one), "-j", "1")
        self.assertEqual(r.rc, 0, r.stderr[-1000:])
        self.assert_same_grades(self.out, one)

    def test_the_rolling_reference_measures_less_and_grades_the_same(self):
        """The default policy measures the reference's timed checks every K
        candidates, not beside each; --reference each measures it beside every
        candidate.  Both give the class run's grades (the same verdicts and
        correctness points, totals within the stability bound)."""
        counts = {}
        for policy, extra in (("rolling", ["--reference-every", "4"]), ("each", [])):
            out = self.tmp / f"ref-{policy}"
            r = grade(str(CLASS), "--out", str(out), "-j", "1", "--reference", policy, *extra,
                      env={**os.environ, "PYHARNESS_GRADE_STATS": "1"})
            self.assertEqual(r.rc, 0, r.stderr[-1000:])
            lines = [json.loads(line.split("stats: ", 1)[1]) for line in r.stderr.splitlines()
                     if line.startswith("pyharness: grade worker stats: ")]
            self.assertEqual(len(lines), 1, r.stderr[-1000:])
            counts[policy] = lines[0]
            self.assert_same_grades(self.out, out)
        each, rolling = counts["each"], counts["rolling"]
        self.assertEqual(each["submissions"], rolling["submissions"])
        # each: one timed reference run per candidate after the first of an
        # exercise (whose whole reference run is fresh).
        self.assertEqual(each["ref_timed"], each["submissions"] - each["ref_whole"])
        # rolling, every 4: one measurement per window of at most 4 candidates
        # of an exercise (two exercises here), one more per drift; a drift
        # also halves the window, so only a quiet run has a fixed count.
        rounds = rolling["ref_timed"] - rolling["ref_drifts"]
        self.assertLessEqual(rounds, rolling["submissions"], counts)
        if rolling["ref_drifts"] == 0:
            self.assertLessEqual(rounds, rolling["submissions"] // 4 + 2, counts)
            self.assertLess(rolling["ref_timed"], each["ref_timed"], counts)

    def assert_same_grades(self, a: Path, b: Path) -> None:
        assert_same_grades(self, a, b)


# Correct, and slow enough to earn only part of wordfreq's performance points.
MIDDLING_WORDFREQ = (SOURCE / "tests/integration/fixtures/subs/wordfreq_middling.py").read_text()


class GradeRollingSpared(unittest.TestCase):
    """The rolling reference skips a measurement when no candidate waiting
    for it could gain (full marks on every check and performance part the
    reference's figures decide) and the last one is recent; a candidate with
    partial performance marks always gets its measurement after."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ph-grade-spared-")
        self.tmp = Path(self._tmp.name)
        hw = json.loads(HOMEWORK.read_text())
        hw["exercises"] = [dict(e, folder=str(HW / e["folder"])) for e in hw["exercises"]
                           if e["id"] == "wordfreq"]
        hw.pop("submission_budget", None)
        self.hw = self.tmp / "homework.json"
        self.hw.write_text(json.dumps(hw))

    def tearDown(self):
        self._tmp.cleanup()

    def grade_copies(self, name: str, text: str) -> dict:
        subs = self.tmp / name
        for i in range(8):
            (subs / f"s{i}").mkdir(parents=True)
            (subs / f"s{i}" / "wordfreq.py").write_text(text + f"\n# copy {i}\n")
        r = run("grade", str(self.hw), str(subs), "--out", str(self.tmp / f"out-{name}"), "-j",
                "1", "--reference-every", "2", "--quiet",
                env={**os.environ, "PYHARNESS_GRADE_STATS": "1"}, timeout=400)
        self.assertEqual(r.rc, 0, r.stderr[-1000:])
        lines = [json.loads(line.split("stats: ", 1)[1]) for line in r.stderr.splitlines()
                 if line.startswith("pyharness: grade worker stats: ")]
        self.assertEqual(len(lines), 1, r.stderr[-1000:])
        with sqlite3.connect(self.tmp / f"out-{name}" / "grade.sqlite3") as db:
            perf = [row[0] for row in db.execute("SELECT performance FROM grade_runs")]
        return {**lines[0], "performance": perf}

    def test_full_marks_spare_measurements_partial_marks_do_not(self):
        good = (HW / "class" / "alice" / "wordfreq.py").read_text()
        full = self.grade_copies("full", good)
        self.assertEqual(full["submissions"], 8, full)
        # 8 candidates in windows of 2: 4 settles (the last at the end).  Those
        # whose candidates all had full marks took no measurement.
        if all(p >= 10 for p in full["performance"]):
            self.assertGreaterEqual(full["ref_spared"], 1, full)
            self.assertLess(full["ref_timed"], 4, full)
        partial = self.grade_copies("partial", MIDDLING_WORDFREQ)
        self.assertTrue(all(0 < p < 10 for p in partial["performance"]), partial)
        self.assertEqual(partial["ref_spared"], 0, partial)
        self.assertGreaterEqual(partial["ref_timed"], 4, partial)


class GradeInput(unittest.TestCase):
    def write(self, d: Path, text: str) -> Path:
        p = d / "homework.json"
        p.write_text(text)
        (d / "subs").mkdir(exist_ok=True)
        return p

    def test_bad_homework_is_exit_2_naming_the_field(self):
        base = json.loads(HOMEWORK.read_text())
        for ex in base["exercises"]:
            ex["folder"] = str(HW / ex["folder"])
        cases = [
            ({"late_polcy": {}}, "late_polcy: unknown key"),
            ({"late_policy": {"percent_per_day": 10, "cap": 5}}, "late_policy.cap: unknown key"),
            ({"late_policy": {"percent_per_day": 150}}, "late_policy.percent_per_day"),
            ({"due": "next friday"}, "due:"),
            ({"submission_budget": 2.5}, "submission_budget"),
            ({"model_answer": "sometimes"}, "model_answer: must be one of"),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            for change, want in cases:
                doc = dict(base, **change)
                p = self.write(d, json.dumps(doc))
                r = run("grade", str(p), str(d / "subs"), "--out", str(d / "out"))
                self.assertEqual(r.rc, 2, (change, r.stderr))
                self.assertIn(want, r.stderr)
            doc = json.loads(json.dumps(base))
            doc["exercises"][0]["points"] = "10"
            r = run("grade", str(self.write(d, json.dumps(doc))), str(d / "subs"), "--out",
                    str(d / "out"))
            self.assertEqual(r.rc, 2)
            self.assertIn("exercises[0].points", r.stderr)
            doc = json.loads(json.dumps(base))
            doc["exercises"][0]["visibility"] = {"no_such_check": "hidden"}
            r = run("grade", str(self.write(d, json.dumps(doc))), str(d / "subs"), "--out",
                    str(d / "out"))
            self.assertEqual(r.rc, 2)
            self.assertIn("exercises[0].visibility.no_such_check", r.stderr)

    def test_unwritable_out_is_refused_before_grading(self):
        with tempfile.TemporaryDirectory() as tmp:
            blocker = Path(tmp) / "file"
            blocker.write_text("x")
            r = run("grade", str(HOMEWORK), str(CLASS), "--out", str(blocker / "results"))
            self.assertEqual(r.rc, 2)
            self.assertIn("results", r.stderr)
            r = run("grade", str(HOMEWORK), str(CLASS), "--out", str(blocker))
            self.assertEqual(r.rc, 2)
            self.assertIn("not a folder", r.stderr)

    def test_bad_options(self):
        for args in (["-j", "0"], ["--shard", "3/2"], ["--shard", "x"], ["--format", "excel"],
                     ["--reference", "sometimes"], ["--reference-every", "0"],
                     ["--reference-every", "65"], ["--reference", "each",
                                                   "--reference-every", "4"]):
            r = run("grade", str(HOMEWORK), str(CLASS), "--out", "/tmp/never", *args)
            self.assertEqual(r.rc, 2, args)


class GradeResume(unittest.TestCase):
    def test_kill_9_mid_run_resumes_without_losing_or_half_recording(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            scratch = tmp / "tmpdir"
            scratch.mkdir()
            out = tmp / "out"
            env = dict(os.environ, TMPDIR=str(scratch))
            proc = subprocess.Popen([BIN, "grade", str(HOMEWORK), str(CLASS), "--out", str(out),
                                     "-j", "1", "--quiet"], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            store = out / "grade.sqlite3"
            wait_until_graded(proc, store, 3)
            self.assertIsNone(proc.poll(), "the run ended before it could be killed")
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            time.sleep(1.5)  # its workers die with it (PR_SET_PDEATHSIG)
            before = parts(store)
            # Its scratch folder goes with it (the guardian: tests/integration/test_scratch.py).
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and any(p.name.startswith("pyharness-")
                                                      for p in scratch.iterdir()):
                time.sleep(0.1)
            self.assertEqual([p.name for p in scratch.iterdir()], [])
            for status, _corr, total in before.values():
                self.assertNotEqual(status, "")
            self.assertLess(len(before), 24)
            r = run("grade", str(HOMEWORK), str(CLASS), "--out", str(out), "-j", "2",
                    env={"TMPDIR": str(scratch)})
            self.assertEqual(r.rc, 0, r.stderr[-1000:])
            graded_now = int(r.stderr.split(" parts graded")[0].rsplit(" ", 1)[-1])
            # Exactly the parts not yet recorded are graded: the one in flight
            # when the run was killed left no row behind.
            self.assertEqual(graded_now + len(before), 24)
            after = parts(store)
            self.assertEqual(len(after), 24)
            for key, value in before.items():
                self.assertEqual(after[key], value, key)  # nothing already graded was redone
            self.assertEqual([p.name for p in scratch.iterdir()
                              if p.name.startswith("pyharness-grade-")], [])

    def test_ctrl_c_or_sigterm_stops_cleanly_and_the_next_run_goes_on(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=sig.name), tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                out = tmp / "out"
                proc = subprocess.Popen([BIN, "grade", str(HOMEWORK), str(CLASS), "--out",
                                         str(out), "-j", "2", "--quiet"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True, env=dict(os.environ, TMPDIR=str(tmp)))
                store = out / "grade.sqlite3"
                wait_until_graded(proc, store, 2)
                self.assertIsNone(proc.poll(), "the run ended before it could be stopped")
                os.kill(proc.pid, sig)
                _, stderr = proc.communicate(timeout=60)
                self.assertEqual(proc.returncode, 128 + sig, stderr)
                self.assertIn("interrupted by", stderr)
                self.assertIn("run the same command again", stderr)
                before = parts(store)
                # Nothing half-recorded: no part is the grader's own failure.
                self.assertFalse([k for k, v in before.items() if v[0] == "error" and
                                  k != ("carol", "wordfreq")], before)
                r = run("grade", str(HOMEWORK), str(CLASS), "--out", str(out), "-j", "2",
                        env={"TMPDIR": str(tmp)})
                self.assertEqual(r.rc, 0, r.stderr[-1000:])
                after = parts(store)
                self.assertEqual(len(after), 24)
                for key, value in before.items():
                    self.assertEqual(after[key], value, key)
                self.assertEqual([p.name for p in tmp.iterdir() if p.name.startswith("pyharness-")],
                                 [])

    def test_a_changed_submission_or_exercise_regrades_only_its_part(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            subs = tmp / "class"
            shutil.copytree(CLASS, subs)
            hw = tmp / "hw"
            shutil.copytree(HW / "exercises", hw / "exercises")
            shutil.copy(HOMEWORK, hw / "homework.json")
            out = tmp / "out"
            # Two students are enough here.
            for d in subs.iterdir():
                if d.name not in ("alice", "bob", "manifest.csv"):
                    shutil.rmtree(d) if d.is_dir() else d.unlink()
            r = run("grade", str(hw / "homework.json"), str(subs), "--out", str(out))
            self.assertEqual(r.rc, 0, r.stderr[-1000:])
            self.assertIn("4 parts graded", r.stderr)
            (subs / "bob" / "wordfreq.py").write_text(
                (CLASS / "alice" / "wordfreq.py").read_text())
            r = run("grade", str(hw / "homework.json"), str(subs), "--out", str(out))
            self.assertIn("1 parts graded", r.stderr)
            with open(hw / "exercises" / "running-mean" / "checks.py", "a") as f:
                f.write("\n# a changed exercise regrades its column\n")
            r = run("grade", str(hw / "homework.json"), str(subs), "--out", str(out))
            self.assertIn("2 parts graded", r.stderr)
            r = run("grade", str(hw / "homework.json"), str(subs), "--out", str(out), "--regrade")
            self.assertIn("4 parts graded", r.stderr)


class GradeBudget(unittest.TestCase):
    """Both budgets are enforced: submission_limits stops a run (the sandbox, at the
    lowered limits) and names the budget; a submission over submission_budget is not
    graded, unless an earlier one within the budget already was."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)
        self.subs = self.tmp / "class"
        keep = ("alice", "erin", "oscar")
        for who in keep:
            shutil.copytree(CLASS / who, self.subs / who)
        rows = (CLASS / "manifest.csv").read_text().splitlines()
        self.rows = [rows[0]] + [r for r in rows[1:] if r.split(",")[0] in keep]
        doc = json.loads(HOMEWORK.read_text())
        for ex in doc["exercises"]:
            ex["folder"] = str(HW / ex["folder"])
        doc["submission_limits"] = {"wall_s": 3, "memory_mb": 64}
        self.hw = self.tmp / "homework.json"
        self.hw.write_text(json.dumps(doc))
        self.out = self.tmp / "out"

    def tearDown(self):
        self._tmp.cleanup()

    def grade(self, rows: list[str]):
        (self.subs / "manifest.csv").write_text("\n".join(rows) + "\n")
        r = run("grade", str(self.hw), str(self.subs), "--out", str(self.out), "-j", "2")
        self.assertEqual(r.rc, 0, r.stderr[-2000:])
        return gradebook(self.out / "gradebook.csv"), parts(self.out / "grade.sqlite3")

    def test_limits_stop_a_run_and_the_budget_is_named(self):
        book, st = self.grade(self.rows)
        self.assertEqual(st[("alice", "wordfreq")][:2], ("passed", 70.0))
        self.assertEqual(book["alice"]["status"], "ok")
        # oscar's endless loop is stopped at 3 s, not at the exercise's own 20 s.
        self.assertEqual(st[("oscar", "wordfreq")][0], "timeout")
        self.assertIn("wordfreq stopped: over this assignment's budget of 3 s per submission",
                      book["oscar"]["status"])
        self.assertEqual(st[("erin", "wordfreq")][0], "memory_limit")
        self.assertIn("budget of 64 MB of memory per submission", book["erin"]["status"])
        res = json.loads((self.out / "oscar" / "results.json").read_text())
        self.assertIn("budget of 3 s per submission", res["output"])
        check_gradescope_schema(self, res)
        self.assertIn("budget of 3 s per submission",
                      (self.out / "oscar" / "feedback.md").read_text())
        # Six submissions of running-mean against a budget of 5: not graded.
        self.assertEqual(st[("oscar", "running-mean")][0], "over_budget")
        self.assertEqual(float(book["oscar"]["running-mean (5)"]), 0.0)
        self.assertIn("running-mean not graded: submission 6, over the budget of 5",
                      book["oscar"]["status"])
        over = [t for t in res["tests"] if "running-mean" in t["name"]]
        self.assertTrue(over and all(t["score"] == 0 for t in over))
        self.assertTrue(any("over this assignment's budget of 5" in t["output"] for t in over))
        self.assertIn("over the submission budget", (self.out / "summary.html").read_text())

    def test_an_earlier_grade_within_the_budget_is_kept(self):
        five = [r for r in self.rows if not r.endswith("07:50:00Z")]
        _, st = self.grade(five)
        first = st[("oscar", "running-mean")]
        self.assertNotEqual(first[0], "over_budget")
        # The sixth submission arrives: over the budget, the earlier grade stays.
        book, st = self.grade(self.rows)
        self.assertEqual(st[("oscar", "running-mean")], first)
        self.assertGreater(float(book["oscar"]["running-mean (5)"]), 0.0)

    def test_bad_limits_are_exit_2_naming_the_field(self):
        doc = json.loads(self.hw.read_text())
        for bad, want in (({"wall_s": 0}, "submission_limits.wall_s"),
                          ({"memory": 5}, "submission_limits.memory: unknown key"),
                          (7, "submission_limits: must be an object")):
            doc["submission_limits"] = bad
            self.hw.write_text(json.dumps(doc))
            r = run("grade", str(self.hw), str(self.subs), "--out", str(self.out))
            self.assertEqual(r.rc, 2, r.stderr)
            self.assertIn(want, r.stderr)


class GradeProgress(unittest.TestCase):
    def small_class(self, tmp: Path) -> Path:
        subs = tmp / "class"
        for who in ("alice", "bob"):
            shutil.copytree(CLASS / who, subs / who)
        return subs

    def run_on_tty(self, args: list[str], env: dict) -> str:
        import pty
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(BIN, [BIN, *args], env)
        chunks = []
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        os.waitpid(pid, 0)
        os.close(fd)
        return b"".join(chunks).decode(errors="replace")

    def test_a_bar_on_a_terminal_plain_lines_otherwise_and_no_color_respected(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            subs = self.small_class(tmp)
            args = ["grade", str(HOMEWORK), str(subs), "--out", str(tmp / "out"), "--regrade"]
            env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
            out = self.run_on_tty(args, env)
            self.assertIn("\r", out)
            self.assertIn("4/4", out)
            self.assertIn("/s", out)
            self.assertIn("left", out)
            self.assertIn("\033[32m", out)
            out = self.run_on_tty(args, dict(env, NO_COLOR="1"))
            self.assertIn("4/4", out)
            self.assertNotIn("\033[32m", out)
            r = run(*args)
            self.assertEqual(r.rc, 0, r.stderr)
            self.assertNotIn("\r", r.stderr)
            self.assertIn("graded 4/4", r.stderr)


class Gradescope(unittest.TestCase):
    def test_the_zip_runs_in_a_simulated_gradescope_root(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            z = tmp / "autograder.zip"
            r = run("gradescope", str(HOMEWORK), "--out", str(z))
            self.assertEqual(r.rc, 0, r.stderr)
            root = tmp / "autograder"
            with zipfile.ZipFile(z) as zf:
                names = zf.namelist()
                self.assertIn("setup.sh", names)
                self.assertIn("run_autograder", names)
                self.assertIn("pyharness/CMakeLists.txt", names)
                self.assertFalse([n for n in names if "/examples/" in n], "solutions leaked")
                zf.extractall(root / "source")
            shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
            os.chmod(root / "run_autograder", 0o755)
            sub = root / "submission"
            sub.mkdir()
            for f in ("wordfreq.py", "wordfreq.md", "running-mean.py", "running-mean.md"):
                shutil.copy(CLASS / "alice" / f, sub / f)
            meta = {"id": 1, "created_at": "2026-11-22T01:00:00.123456+00:00",
                    "assignment": {"due_date": "2026-11-21T00:00:00.000000+00:00",
                                   "title": "Homework 3", "total_points": 15.0},
                    "users": [{"email": "alice@example.edu", "id": 7, "name": "Alice"}],
                    "previous_submissions": []}
            (root / "submission_metadata.json").write_text(json.dumps(meta))
            env = dict(os.environ, PYHARNESS_AUTOGRADER_ROOT=str(root), PYHARNESS_BIN=BIN)
            p = subprocess.run([str(root / "run_autograder")], env=env, cwd=root,
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            res = json.loads((root / "results" / "results.json").read_text())
            check_gradescope_schema(self, res)
            # 25 hours after the metadata's due date (which wins over homework.json): 2 days.
            raw = sum(t["score"] for t in res["tests"])
            self.assertGreaterEqual(raw, 13.5 - 0.01)  # all but the timed points
            self.assertAlmostEqual(res["score"], round(raw - round(raw * 0.2, 2), 2), delta=0.02)
            self.assertIn("2 day(s) late", res["output"])
            # Over the budget of 5: the best earlier score stands.
            meta["previous_submissions"] = [{"submission_time": "x", "score": 14.5, "results": {}}
                                            for _ in range(5)]
            meta["created_at"] = "2026-11-20T01:00:00Z"
            (root / "submission_metadata.json").write_text(json.dumps(meta))
            (sub / "wordfreq.py").write_text("def word_counts(t):\n    return {}\n")
            p = subprocess.run([str(root / "run_autograder")], env=env, cwd=root,
                               capture_output=True, text=True, timeout=300)
            res = json.loads((root / "results" / "results.json").read_text())
            self.assertEqual(res["score"], 14.5)
            self.assertIn("over the budget", res["output"])


if __name__ == "__main__":
    unittest.main()
