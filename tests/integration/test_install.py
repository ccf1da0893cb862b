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
            self.assertEqual(mode(ex / "exercise.json"), 0o644)
            for secret in ("reference.py", "checks.py", "examples/good.py"):
                self.assertEqual(mode(ex / secret) & 0o007, 0, secret)
            self.assertEqual(mode(ex / "examples") & 0o007, 0)
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


if __name__ == "__main__":
    unittest.main()
