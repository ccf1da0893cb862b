"""`cmake --install` gives a binary that finds its data under share/pyharness,
with no environment variable and away from the source tree."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from phtest import BIN, HarnessTest, check_result


class InstallTests(HarnessTest):
    def test_installed_binary_runs_an_exercise(self):
        build = Path(BIN).parent
        if not (build / "CMakeCache.txt").exists() or shutil.which("cmake") is None:
            self.skipTest("not a CMake build tree")
        with tempfile.TemporaryDirectory() as prefix:
            subprocess.run(["cmake", "--install", str(build), "--prefix", prefix],
                           check=True, capture_output=True)
            exe = os.path.join(prefix, "bin", "pyharness")
            # What a student may read is world-readable; the answer keys are not.
            share = Path(prefix, "share", "pyharness")
            ex = share / "exercises" / "generators-streaming"
            mode = lambda p: p.stat().st_mode & 0o777
            self.assertEqual(mode(ex / "starter.py"), 0o644)
            for secret in ("exercise.json", "reference.py", "checks.py", "examples/good.py"):
                self.assertEqual(mode(ex / secret) & 0o007, 0, secret)
            self.assertEqual(mode(ex / "examples") & 0o007, 0)
            # What the reports are made from (templates, style sheets), from reports/.
            for asset in ("compare.html", "compare.md", "style.css", "grade-feedback.css",
                          "grade-summary.css"):
                self.assertTrue((share / "reports" / asset).is_file(), asset)
            kit = share / "student" / "generators-streaming"
            self.assertEqual(sorted(p.name for p in kit.iterdir()), ["README.md", "starter.py"])
            good = os.path.join(prefix, "share", "pyharness", "exercises",
                                "generators-streaming", "examples", "good.py")
            env = {k: v for k, v in os.environ.items() if not k.startswith("PYHARNESS_")}
            listing = subprocess.run([exe, "list", "--json"], capture_output=True, text=True,
                                     env=env, cwd=prefix, check=True)
            paths = {e["path"] for e in json.loads(listing.stdout)}
            self.assertTrue(all(p.startswith(os.path.realpath(prefix)) for p in paths), paths)
            run = subprocess.run([exe, "run", "generators-streaming", good, "--json"],
                                 capture_output=True, text=True, env=env, cwd=prefix)
            self.assertEqual(run.returncode, 0, run.stderr)
            check_result(json.loads(run.stdout))
            self.assertEqual(json.loads(run.stdout)["verdict"], "passed")
            # The user running pyharness reads the statement, and the model answer after a run.
            shown = subprocess.run([exe, "show", "generators-streaming"], capture_output=True,
                                   text=True, env=env, cwd=prefix)
            self.assertEqual(shown.returncode, 0, shown.stderr)
            self.assertIn("Question", shown.stdout)
            self.assertTrue(json.loads(run.stdout)["model_answer"])
            if os.geteuid() == 0:
                # Someone outside the bank's group is told where the statements are.
                os.chmod(prefix, 0o755)
                other = subprocess.run([exe, "show", "generators-streaming"], capture_output=True,
                                       text=True, env=env, cwd="/", user=65534, group=65534,
                                       extra_groups=[])
                self.assertEqual(other.returncode, 2, other.stderr)
                self.assertIn("exercise.json: not readable by you", other.stderr)
                self.assertIn("student kit", other.stderr)
                kit_readme = kit / "README.md"
                self.assertEqual(mode(kit_readme) & 0o004, 0o004)
            # A submission cannot: not by the installed path, with the audit hook or without.
            secret = ex / "exercise.json"
            peek = Path(prefix, "peek.py")
            peek.write_text(PEEK % str(secret))
            for audit in ("0", "1"):
                r = subprocess.run([exe, "run", "generators-streaming", str(peek), "--json", "-q"],
                                   capture_output=True, text=True, cwd=prefix,
                                   env=dict(env, PYHARNESS_TEST_DISABLE_AUDIT=audit))
                self.assertIn(r.returncode, (0, 1), r.stderr)
                doc = json.loads(r.stdout)
                self.assertIn("PEEK-REFUSED", doc["stdout"] + doc["detail"], (audit, doc["stdout"]))
                self.assertNotIn("PEEK-READ", doc["stdout"], audit)
                self.assertNotEqual(doc["verdict"], "passed")

    def test_a_worker_holds_no_model_answer_in_memory(self):
        # With the audit hook off (a test build), a submission scans its own memory for a
        # sentence of the model answer: the sandbox host that forks it dropped and wiped the
        # answer (exercise_forget_answers() in worker_host.c) and fills what it frees.
        answer = json.loads((SOURCE_EX / "exercise.json").read_text())["model_answer"]
        needle = " ".join(answer.split()[20:27])
        with tempfile.TemporaryDirectory() as d:
            sub = Path(d, "scan.py")
            sub.write_text(SCAN % needle[::-1])
            r = subprocess.run([BIN, "run", "generators-streaming", str(sub), "--json", "-q"],
                               capture_output=True, text=True, cwd=d,
                               env=dict(os.environ, PYHARNESS_TEST_DISABLE_AUDIT="1"))
            out = json.loads(r.stdout)["stdout"]
        if "COUNTS" not in out:
            self.skipTest("this build ignores PYHARNESS_TEST_DISABLE_AUDIT: %s" % out[:200])
        real, control = (int(x) for x in out.split()[1:3])
        self.assertEqual(real, control, "the model answer is in the worker's memory")


SOURCE_EX = Path(__file__).resolve().parents[2] / "exercises" / "generators-streaming"

# Tries to read the installed exercise.json; says which way it went on stdout.
PEEK = """
try:
    with open(%r) as f:
        f.read()
    print("PEEK-READ")
except Exception as exc:
    print("PEEK-REFUSED", type(exc).__name__)


def batched(iterable, size):
    return [[0]]


def read_jsonl(path):
    return iter(())
"""

# Counts a sentence (given reversed, so the module's own text does not hold it) in the
# worker's memory, beside a control sentence that exists nowhere else.
SCAN = """
def scan(needle):
    total = 0
    with open("/proc/self/maps") as m:
        lines = m.readlines()
    with open("/proc/self/mem", "rb", 0) as mem:
        for line in lines:
            parts = line.split()
            if parts[1][0] != "r":
                continue
            a, b = (int(x, 16) for x in parts[0].split("-"))
            if b - a > 1 << 28:
                continue
            try:
                mem.seek(a)
                chunk = mem.read(b - a)
            except OSError:
                continue
            total += chunk.count(needle)
            del chunk
    return total


try:
    print("COUNTS", scan(%r[::-1].encode()), scan("ecnetnes lortnoc on ,ereh gnihton"[::-1].encode()))
except OSError as exc:
    print("SCAN-REFUSED", exc)


def batched(iterable, size):
    return [[0]]


def read_jsonl(path):
    return iter(())
"""


if __name__ == "__main__":
    unittest.main()
