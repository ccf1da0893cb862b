"""The learner's path in a real terminal (tmux): show, start, edit, run, with the progress
lines and the spinner of a slow check read off the screen while it runs, and no colour under
TERM=dumb.  Skipped when tmux is not installed."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
import unittest

from phtest import BIN, FIXTURES, HarnessTest

BANK = str(FIXTURES / "exercises")
# add() is slow enough (0.4 s a call, 3 calls) for the spinner to show, inside the 3 s limit.
SLOW = ("import time\\n\\n\\ndef add(a, b):\\n    time.sleep(0.4)\\n    return a + b\\n\\n\\n"
        "def squares(n):\\n    return (i * i for i in range(n))\\n")


@unittest.skipIf(shutil.which("tmux") is None, "tmux is not installed")
class LearnerInATerminal(HarnessTest):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        # A server of its own per test: the previous test's kill-server can
        # return before that server has let go of its socket, and a session
        # started on it then fails (seen once in a clean-clone run).
        self.sock = f"ph-test-{os.getpid()}-{time.monotonic_ns()}"
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.addCleanup(subprocess.run, ["tmux", "-L", self.sock, "kill-server"],
                        capture_output=True)

    def tmux(self, *args: str) -> str:
        res = subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True)
        self.assertEqual(res.returncode, 0, f"tmux {' '.join(args[:4])}: {res.stderr}")
        return res.stdout

    def session(self, name: str, term: str) -> None:
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "120", "-y", "50",
                  "-c", self.dir, "-e", f"TERM={term}", "-e", "PYHARNESS_EXERCISES=",
                  "env", f"TERM={term}", "bash", "--norc", "--noprofile")

    # Markers are echoed as END""-x, so the typed line never matches the output END-x.
    def type(self, name: str, line: str) -> None:
        self.tmux("send-keys", "-t", name, line, "Enter")

    def screen(self, name: str, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", "-t", name, *(["-e"] if escapes else []))

    def wait_for(self, name: str, text: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen(name)
            if text in screen:
                return screen
            time.sleep(0.05)
        self.fail(f"{text!r} never appeared:\n{self.screen(name)}")

    def test_show_start_edit_run_with_progress(self):
        ph = f"{shlex.quote(BIN)} --exercises {shlex.quote(BANK)}"
        self.session("t", "xterm-256color")
        self.type("t", f"{ph} show mini; echo END\"\"-show")
        screen = self.wait_for("t", "END-show")
        self.assertIn("Visible checks", screen)
        self.assertIn("next: pyharness start mini", screen)
        self.type("t", f"clear; {ph} start mini .; echo END\"\"-start")
        screen = self.wait_for("t", "END-start")
        self.assertIn("wrote ./mini.py", screen)
        self.assertIn("pyharness run mini ./mini.py", screen)
        self.type("t", f"clear; printf '{SLOW}' > mini.py; {ph} run mini mini.py; echo END\"\"-run")
        # While add() runs: the spinner line with the elapsed time and the limit.
        spinner = self.wait_for("t", "(limit 3 s)", timeout=60)
        self.assertRegex(spinner, r"your file: \[1/4\] add\s+[0-9.]+ (ms|s) \(limit 3 s\)")
        screen = self.wait_for("t", "END-run")
        self.assertRegex(screen, r"\[1/4\]\s+add\s+1\.[0-9]+ s")
        self.assertRegex(screen, r"\[4/4\]\s+memory")
        self.assertNotIn("(limit 3 s)", screen)  # the spinner line was taken away
        self.assertIn("verdict:    passed", screen)
        self.assertIn("\x1b[", self.screen("t", escapes=True))  # colour on a terminal

    def test_the_reference_run_is_shown_going_by_too(self):
        # A bank whose reference is the slow one: 0.4 s per add() call, as SLOW above.
        bank = os.path.join(self.dir, "bank")
        shutil.copytree(FIXTURES / "exercises" / "mini", os.path.join(bank, "mini"))
        with open(os.path.join(bank, "mini", "reference.py"), "w") as f:
            f.write(SLOW.replace("\\n", "\n"))
        good = shlex.quote(str(FIXTURES / "exercises" / "mini" / "examples" / "good.py"))
        ph = f"{shlex.quote(BIN)} --exercises {shlex.quote(bank)}"
        self.session("r", "xterm-256color")
        self.type("r", f"{ph} run mini {good}; echo END\"\"-run")
        spinner = self.wait_for("r", "(limit 3 s)", timeout=60)
        self.assertRegex(spinner, r"reference\.py: \[1/4\] add\s+[0-9.]+ (ms|s) \(limit 3 s\)")
        screen = self.wait_for("r", "END-run")
        self.assertNotIn("reference.py: [", screen)  # the spinner line was taken away
        self.assertRegex(screen, r"\[1/4\]\s+add\s+[0-9.]+ (ns|µs|ms)\n")  # the candidate's own
        self.assertIn("verdict:    passed", screen)
        # Off a terminal (a pipe): a plain line per role, no escape codes.
        res = subprocess.run([BIN, "--exercises", bank, "run", "mini",
                              str(FIXTURES / "exercises" / "mini" / "examples" / "good.py")],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertLess(res.stderr.index("running reference.py (4 checks)"),
                        res.stderr.index("running your file (4 checks)"))
        self.assertNotIn("\x1b", res.stderr)

    def test_validate_shows_the_check_in_progress_on_a_terminal_only(self):
        bank = os.path.join(self.dir, "bank")
        shutil.copytree(FIXTURES / "exercises" / "mini", os.path.join(bank, "mini"))
        with open(os.path.join(bank, "mini", "reference.py"), "w") as f:
            f.write(SLOW.replace("\\n", "\n"))
        ph = f"{shlex.quote(BIN)} --exercises {shlex.quote(bank)}"
        self.session("v", "xterm-256color")
        self.type("v", f"{ph} validate mini; echo END\"\"-validate")
        spinner = self.wait_for("v", "(limit 3 s)", timeout=60)
        self.assertRegex(spinner, r"reference\.py: \[1/4\] add\s+[0-9.]+ (ms|s) \(limit 3 s\)")
        screen = self.wait_for("v", "END-validate", timeout=120)
        self.assertIn("ok   mini: examples/good.py: passed", screen)
        self.assertNotIn("(limit 3 s)", screen)
        self.assertNotIn("[1/4]", screen)  # no line per check: the findings stay readable
        res = subprocess.run([BIN, "--exercises", bank, "validate", "mini"], capture_output=True,
                             text=True, timeout=300)
        self.assertIn("ok   mini: examples/good.py: passed", res.stdout)
        self.assertEqual(res.stderr, "")  # off a terminal: the findings alone

    def test_term_dumb_means_no_colour_and_no_spinner(self):
        ph = f"{shlex.quote(BIN)} --exercises {shlex.quote(BANK)}"
        good = shlex.quote(str(FIXTURES / "exercises" / "mini" / "examples" / "good.py"))
        self.session("d", "dumb")
        self.type("d", f"{ph} run mini {good}; echo END\"\"-run")
        screen = self.wait_for("d", "END-run")
        self.assertIn("verdict:    passed", screen)
        self.assertIn("running your file (4 checks)", screen)  # plain lines, as off a tty
        self.assertNotIn("\x1b[3", self.screen("d", escapes=True))


if __name__ == "__main__":
    unittest.main()
