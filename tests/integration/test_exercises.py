"""Every exercise in the bank validates: complete JSON, the reference passes,
the starter does not, every example gets its expected verdict."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from phtest import BIN, SOURCE, HarnessTest, run

EXPECTED_IDS = {
    "asyncio-llm-calls", "gather-vs-as-completed", "context-managers",
    "comprehension-map-filter", "profile-and-optimize", "gil-threads-processes",
    "contextvar-vs-threadlocal", "generators-streaming",
}


# The exercises whose rules read memory figures, which differ by privilege.
MEMORY_RULED = ("comprehension-map-filter", "generators-streaming")


def exercise_ids() -> list[str]:
    return sorted(p.parent.name for p in (SOURCE / "exercises").glob("*/exercise.json"))


class ExerciseBankTests(HarnessTest):
    def test_the_eight_topics_are_there(self):
        self.assertEqual(set(exercise_ids()), EXPECTED_IDS)

    def test_each_exercise_validates(self):
        for ex in exercise_ids():
            with self.subTest(exercise=ex):
                res = run("validate", ex, "--engine-stats", timeout=900)
                self.assertEqual(res.rc, 0, f"{ex}:\n{res.stdout}\n{res.stderr}")
                self.assertIn(" 0 failed", res.stdout)
                # Verdicts only: no mid-band mark is steadied (re-runs of the
                # speed check that never change a verdict).
                self.assertIn(" 0 steadied marks", res.stdout)

    def test_statements_carry_the_thresholds_of_exercise_json(self):
        # One source for every threshold: the grading terms at the end of each
        # starter.py are rendered from exercise.json (tools/statements.py).
        res = subprocess.run([sys.executable, str(SOURCE / "tools" / "statements.py"), "--check"],
                             capture_output=True, text=True)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)

    def test_the_bank_validates_as_an_unprivileged_user(self):
        # Root can reset VmHWM, raise limits and read anything: the bank must
        # grade the same way for any user.  An installed copy of the tree the
        # user can read, run as nobody.  The exercises whose rules read
        # memory figures (VmHWM, resident pages, Python peaks) validate whole;
        # the others' figures do not depend on privilege, and validating all
        # eight twice took 25 minutes of CI's 90 (the root pass above covers
        # their verdicts).  gil-threads-processes still runs once as nobody:
        # its pools need semaphores and processes under the user's limits.
        build = Path(BIN).parent
        if os.geteuid() != 0:
            self.skipTest("already unprivileged: test_each_exercise_validates covers it")
        if not (build / "CMakeCache.txt").exists() or shutil.which("setpriv") is None:
            self.skipTest("needs a CMake build tree and setpriv")
        with tempfile.TemporaryDirectory() as prefix:
            os.chmod(prefix, 0o755)
            subprocess.run(["cmake", "--install", str(build), "--prefix", prefix], check=True,
                           capture_output=True)
            subprocess.run(["chmod", "-R", "a+rX", prefix], check=True)
            env = {k: v for k, v in os.environ.items() if not k.startswith("PYHARNESS_")}
            env["HOME"] = prefix
            nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                      os.path.join(prefix, "bin", "pyharness")]
            for ex in MEMORY_RULED:
                with self.subTest(exercise=ex):
                    res = subprocess.run(nobody + ["validate", ex], capture_output=True,
                                         text=True, env=env, cwd=prefix, timeout=900,
                                         errors="replace")
                    self.assertEqual(res.returncode, 0, f"{ex}:\n{res.stdout}\n{res.stderr}")
                    self.assertIn(" 0 failed", res.stdout)
            ex = "gil-threads-processes"
            good = SOURCE / "exercises" / ex / "examples" / "good.py"
            res = subprocess.run(nobody + ["run", ex, str(good), "--json", "--quiet"],
                                 capture_output=True, text=True, env=env, cwd=prefix,
                                 timeout=900, errors="replace")
            self.assertIn(res.returncode, (0, 1), res.stderr)
            doc = json.loads(res.stdout)
            # Correct results in every check that does not time anything.
            for name in ("cpu_results", "cpu_start_methods", "io_results", "pools_shut_down"):
                self.assertEqual(
                    [c["status"] for c in doc["tests"] if c["name"] == name], ["passed"],
                    f"{name}: {res.stdout[:3000]}")

    def test_each_exercise_has_question_model_answer_and_rubric(self):
        for ex in exercise_ids():
            with self.subTest(exercise=ex):
                doc = json.loads((SOURCE / "exercises" / ex / "exercise.json").read_text())
                self.assertGreater(len(doc.get("question", "")), 40)
                self.assertGreater(len(doc.get("model_answer", "").split()), 80)
                self.assertGreaterEqual(len(doc["rubric"]["points"]), 4)
                self.assertGreaterEqual(len(doc["rubric"]["misconceptions"]), 2)
                w = doc.get("weights", {"correctness": 60, "performance": 20, "explanation": 20})
                self.assertEqual(sum(w.values()), 100)
                self.assertIn("performance", doc)

    def test_model_answers_score_high_offline(self):
        for ex in exercise_ids():
            with self.subTest(exercise=ex):
                doc = json.loads((SOURCE / "exercises" / ex / "exercise.json").read_text())
                import tempfile
                with tempfile.NamedTemporaryFile("w", suffix=".md") as f:
                    f.write(doc["model_answer"])
                    f.flush()
                    res = run("score", ex, f.name, "--json", "--scorer", "offline")
                self.assertEqual(res.rc, 0, res.stderr)
                self.assertGreaterEqual(res.json["score"], 9.0)

    def test_partial_performance_marks_come_from_turns_of_both_sides(self):
        # A correct file about 3.5x slower than the reference: its mark is
        # normally inside the band, so the speed check runs again, the
        # candidate and the reference taking turns (more rounds while the
        # pairs next to the median disagree), and the mark is the median
        # pair's.  What a loaded machine measures is not asserted (CI saw
        # 6.17x, its pairs 92% apart): the mark must be the one the kept
        # pair's ratio earns, and the turns must have been taken whenever
        # the run's own ratio came near the band.
        ex = "comprehension-map-filter"
        doc = json.loads((SOURCE / "exercises" / ex / "exercise.json").read_text())
        full_at, zero_at = doc["performance"]["full_at"], doc["performance"]["zero_at"]
        path = SOURCE / "exercises" / ex / "examples" / "middling_regex_strip.py"
        res = run("run", ex, str(path), "--json", "--quiet", timeout=600)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["verdict"], "passed", res.json)
        perf = res.json["score"]["parts"]["performance"]
        earned = perf["max"] * min(1.0, max(0.0, (perf["ratio"] - zero_at) / (full_at - zero_at)))
        self.assertAlmostEqual(perf["score"], earned, delta=0.5, msg=perf)
        # The figures kept are one pair's: the ratio is theirs.
        self.assertAlmostEqual(res.json["performance"]["num"] / res.json["performance"]["den"],
                               perf["ratio"], places=9)
        taken = re.search(r"median of (\d+) runs of each side taken in turn",
                          res.json["performance"]["describe"])
        if taken is None:
            # No turns: only when the run's own ratio lay far outside the
            # band (ENGINE_PERF_MARGIN, 1.3), where noise moves no mark.
            margin = 1.3
            lo, hi = min(full_at, zero_at), max(full_at, zero_at)
            self.assertTrue(perf["ratio"] > hi * margin or perf["ratio"] < lo / margin, perf)
            self.assertIn(perf["score"], (0, perf["max"]), perf)
            return
        # 3 pairs at least (the run's own and ENGINE_PERF_ROUNDS more), at most 7.
        self.assertIn(int(taken.group(1)), range(3, 8))
        self.assertIn(taken.group(0), perf["origin"])

if __name__ == "__main__":
    unittest.main()
