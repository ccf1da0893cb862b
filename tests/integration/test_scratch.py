"""Scratch folders: a command killed by SIGINT, SIGTERM or SIGKILL leaves nothing under
$TMPDIR; a folder whose guardian was killed too is swept by the next command; a live
command's folder is never swept (issue 14, "a killed run leaves nothing behind")."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from phtest import BIN, SOURCE, run

EXERCISE = SOURCE / "examples" / "homework" / "exercises" / "wordfreq"
GOOD = SOURCE / "examples" / "homework" / "class" / "alice" / "wordfreq.py"


def slow_file(tmp: Path) -> Path:
    """A working submission that sleeps first: the run is in flight for a while."""
    f = tmp / "slow.py"
    f.write_text("import time\ntime.sleep(60)\n" + GOOD.read_text())
    return f


def wait_for(pred, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def ours(tmpdir: Path) -> list[str]:
    return sorted(p.name for p in tmpdir.iterdir() if p.name.startswith("pyharness-"))


def lock_holders(folder: Path) -> list[int]:
    """Pids of the processes holding `folder/.lock` open (the command's tree and its
    guardian)."""
    lock = str(folder / ".lock")
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) == lock:
                    pids.append(int(proc.name))
                    break
        except OSError:
            continue
    return pids


class Scratch(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)
        self.tmpdir = self.tmp / "tmpdir"
        self.tmpdir.mkdir()
        self.env = dict(os.environ, TMPDIR=str(self.tmpdir))
        self.env.pop("PYHARNESS_EXERCISES", None)
        self.slow = slow_file(self.tmp)

    def tearDown(self):
        self._tmp.cleanup()

    def start_run(self) -> subprocess.Popen:
        before = set(ours(self.tmpdir))
        proc = subprocess.Popen([BIN, "run", str(EXERCISE), str(self.slow)], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # In flight: its own new folder holds the engine's host folder.
        self.assertTrue(wait_for(lambda: any(
            len(list(p.iterdir())) > 1 for p in self.tmpdir.iterdir()
            if p.name.startswith("pyharness-run-") and p.name not in before)),
            "the run never made its scratch folder")
        return proc

    def test_a_finished_run_leaves_nothing(self):
        r = run("run", str(EXERCISE), str(GOOD), env={"TMPDIR": str(self.tmpdir)})
        self.assertEqual(r.rc, 0, r.stderr[-500:])
        self.assertEqual(ours(self.tmpdir), [])

    def test_a_signalled_run_leaves_nothing(self):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            with self.subTest(signal=sig.name):
                proc = self.start_run()
                folder = self.tmpdir / ours(self.tmpdir)[0]
                self.assertGreaterEqual(len(lock_holders(folder)), 2)  # the run and its guardian
                os.kill(proc.pid, sig)
                proc.wait(timeout=30)
                self.assertTrue(wait_for(lambda: ours(self.tmpdir) == []),
                                f"left behind after {sig.name}: {ours(self.tmpdir)}")

    def test_a_dead_runs_folder_is_swept_and_a_live_ones_kept(self):
        live = self.start_run()
        try:
            dead = self.start_run()
            names = ours(self.tmpdir)
            self.assertEqual(len(names), 2)
            folders = [self.tmpdir / n for n in names]
            dead_folder = next(f for f in folders if dead.pid in lock_holders(f))
            live_folder = next(f for f in folders if f != dead_folder)
            # The whole tree and its guardian die at once: nobody cleans up.  Stopped
            # first, so the guardian cannot start removing when the command dies.
            holders = lock_holders(dead_folder)
            for pid in holders:
                os.kill(pid, signal.SIGSTOP)
            for pid in holders:
                os.kill(pid, signal.SIGKILL)
            dead.wait(timeout=30)
            time.sleep(1.0)  # the sandbox host dies with its parent
            self.assertTrue(dead_folder.is_dir(), "nothing should have removed it yet")
            r = run("run", str(EXERCISE), str(GOOD), env={"TMPDIR": str(self.tmpdir)})
            self.assertEqual(r.rc, 0, r.stderr[-500:])
            self.assertFalse(dead_folder.exists(), "the next command should sweep it")
            self.assertTrue(live_folder.is_dir(), "a live run's folder was swept")
            self.assertIsNone(live.poll(), "the live run was disturbed")
        finally:
            live.kill()
            live.wait()
        self.assertTrue(wait_for(lambda: ours(self.tmpdir) == []), ours(self.tmpdir))

    def test_a_legacy_folder_without_a_lock_is_not_touched(self):
        # Folders of older binaries (pyharness-XXXXXX, no lock) may belong to live
        # runs of another build on the same machine: never swept.
        legacy = self.tmpdir / "pyharness-abc123"
        legacy.mkdir()
        os.utime(legacy, (time.time() - 7200, time.time() - 7200))
        r = run("run", str(EXERCISE), str(GOOD), env={"TMPDIR": str(self.tmpdir)})
        self.assertEqual(r.rc, 0, r.stderr[-500:])
        self.assertTrue(legacy.is_dir())

    def test_a_killed_grade_leaves_nothing(self):
        hw = SOURCE / "examples" / "homework"
        proc = subprocess.Popen([BIN, "grade", str(hw / "homework.json"), str(hw / "class"),
                                 "--out", str(self.tmp / "out"), "-j", "2", "--quiet"],
                                env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.assertTrue(wait_for(lambda: any(p.name.startswith("pyharness-grade-")
                                             for p in self.tmpdir.iterdir()), 60))
        time.sleep(1.0)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        self.assertTrue(wait_for(lambda: ours(self.tmpdir) == []), ours(self.tmpdir))


if __name__ == "__main__":
    unittest.main()
