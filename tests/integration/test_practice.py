"""`pyharness practice` and `history` as a learner uses them: a real terminal
(tmux, 80x24) driven key by key, plain prompts without a terminal, scripted
answers, and voice answers synthesised by espeak-ng and transcribed offline."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from phtest import BIN, SOURCE, run

HAVE_TMUX = shutil.which("tmux") is not None


class Tmux:
    """One detached tmux server of our own (-L), one 80x24 pane."""

    def __init__(self, cmd: str, env: dict[str, str]):
        self.sock = f"ph-practice-{os.getpid()}-{time.monotonic_ns()}"
        envs = " ".join(f"{k}={shlex_quote(v)}" for k, v in env.items())
        # `; sleep` keeps the pane (and its last screen) after the program ends.
        full = f"env {envs} {cmd}; echo EXIT=$?; sleep 600"
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d", "-x",
                        "80", "-y", "24", "-s", "t", full], check=True)

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = ["tmux", "-L", self.sock, "send-keys", "-t", "t"]
        if literal:
            args.append("-l")
        subprocess.run(args + list(keys), check=True)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-t", "t", "-p"],
                              capture_output=True, text=True, check=True).stdout

    def wait_for(self, pattern: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            s = self.screen()
            if re.search(pattern, s):
                return s
            if time.monotonic() > deadline:
                raise AssertionError(f"screen never showed {pattern!r}:\n{s}")
            time.sleep(0.2)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)


def shlex_quote(s: str) -> str:
    import shlex
    return shlex.quote(s)


def countdown(screen: str) -> int:
    m = re.search(r"time left (\d\d):(\d\d)", screen)
    assert m, screen
    return int(m.group(1)) * 60 + int(m.group(2))


class SlowServer:
    """An OpenAI-compatible endpoint on 127.0.0.1 that answers nothing for
    `delay` seconds (the learner's Ctrl-C comes first)."""

    def __init__(self, delay: float):
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay)
                self.send_response(500)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


GIL_ANSWER = ("The GIL is a lock in CPython: only one thread runs Python bytecode at a time, "
              "even with many cores. It protects reference counting, which is not thread safe. "
              "A thread releases the lock when it blocks on I/O, so threads take turns.")


class PracticeTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ph-practice-"))
        self.env = {"PYHARNESS_HISTORY": str(self.tmp / "history.sqlite3"),
                    "PYHARNESS_VOICE_CACHE": str(self.tmp / "voice"),
                    "PYHARNESS_LLM_CACHE": "off", "TERM": "xterm"}

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def history(self) -> dict:
        res = run("history", "--json", env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        return res.json

    @unittest.skipUnless(HAVE_TMUX, "tmux is not installed")
    def test_a_whole_session_in_an_80x24_terminal(self):
        # Two GIL questions, 12 s each: the first answered, the second left to time out.
        t = Tmux(f"{BIN} practice --topic concurrency --no-code --questions 2 --seconds 12 "
                 f"--seed 3 --scorer offline", self.env)
        try:
            first = t.wait_for(r"time left 00:1\d")
            lines = first.splitlines()
            self.assertRegex(lines[0], r"question 1/2 \| concurrency \| concept +time left")
            self.assertIn("Enter twice or Ctrl-D submits", first)
            self.assertTrue(all(len(line) <= 80 for line in lines))
            t.type("Only one thread")
            time.sleep(1.5)
            later = t.wait_for(r"Only one thread")
            self.assertLess(countdown(later), countdown(first), "the countdown did not move")
            # Backspace, arrows and a second line in the editor.
            t.keys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
            t.type("thread runs Python bytecode at a time.")
            t.keys("Enter")
            t.type(GIL_ANSWER)
            t.keys("Enter", "Enter")
            scored = t.wait_for(r"Press Enter for the model answer")
            self.assertRegex(scored, r"Score: \d+\.\d/10  \(offline scorer\)")
            self.assertRegex(scored, r"\[[+~-]\] +\d+%")
            t.keys("Enter")
            model = t.wait_for(r"Model answer:")
            self.assertIn("Press Enter for the next question", model)
            t.keys("Enter")
            second = t.wait_for(r"question 2/2")
            t.type("Processes each have their own")
            timed_out = t.wait_for(r"Time is up: what you typed is scored", timeout=30)
            self.assertIn("Processes each have their own", timed_out)
            t.wait_for(r"Score: \d+\.\d/10")
            t.keys("Enter")
            t.wait_for(r"Model answer:")
            t.keys("Enter")
            summary = t.wait_for(r"EXIT=0")
            self.assertIn("== Summary ==", summary)
            self.assertRegex(summary, r" 1  gil-\S+ +concurrency +\d+\.\d/10  00:\d\d / 00:12")
            self.assertRegex(summary, r" 2  gil-\S+ +concurrency +\d+\.\d/10  00:12 / 00:12 timed out")
            self.assertRegex(summary, r"Total: \d+\.\d/20")
            self.assertIn("Study next:", summary)
            self.assertNotIn("question 2/2", second.splitlines()[1])
        finally:
            t.close()
        h = self.history()
        self.assertEqual(len(h["sessions"]), 1)
        self.assertEqual(h["sessions"][0]["answers"], 2)
        self.assertFalse(h["sessions"][0]["interrupted"])
        topic = h["topics"][0]
        self.assertEqual(topic["topic"], "concurrency")
        self.assertEqual(topic["answers"], 2)
        self.assertEqual(topic["timed_out"], 1)
        text = run("history", env=self.env)
        self.assertIn("concurrency", text.stdout)
        self.assertRegex(text.stdout, "[\u2581-\u2588]")

    @unittest.skipUnless(HAVE_TMUX, "tmux is not installed")
    def test_ctrl_c_leaves_cleanly_and_keeps_what_was_answered(self):
        t = Tmux(f"{BIN} practice --topic concurrency --no-code --questions 3 --seconds 60 "
                 f"--seed 5 --scorer offline", self.env)
        try:
            t.wait_for(r"question 1/3")
            t.type(GIL_ANSWER)
            t.keys("C-d")
            t.wait_for(r"Press Enter for the model answer")
            t.keys("Enter")
            t.wait_for(r"Model answer:")
            t.keys("Enter")
            t.wait_for(r"question 2/3")
            t.type("half an answer")
            t.keys("C-c")
            end = t.wait_for(r"EXIT=0")
            self.assertIn("the session was ended early", end)
            self.assertRegex(end, r" 1  gil-\S+ +concurrency")
            self.assertNotRegex(end, r"\n +2  gil-")
        finally:
            t.close()
        h = self.history()
        self.assertEqual(h["sessions"][0]["answers"], 1)
        self.assertTrue(h["sessions"][0]["interrupted"])

    @unittest.skipUnless(HAVE_TMUX, "tmux is not installed")
    def test_ctrl_c_while_a_slow_scorer_works_keeps_the_submitted_answer(self):
        # An LLM endpoint that takes 30 s: Ctrl-C during "scoring" must not lose
        # the answer the learner submitted (it is scored offline instead).
        server = SlowServer(30)
        env = dict(self.env, PYHARNESS_LLM_BASE_URL=server.url + "/v1",
                   PYHARNESS_LLM_API_KEY="k", PYHARNESS_LLM_MODEL="slow-1",
                   PYHARNESS_LLM_MAX_RETRIES="0", PYHARNESS_LLM_TIMEOUT_S="60",
                   XDG_CONFIG_HOME=str(self.tmp / "config"))
        t = Tmux(f"{BIN} practice --topic gil-what --questions 1 --seconds 60 --scorer llm", env)
        try:
            t.wait_for(r"question 1/1")
            t.type(GIL_ANSWER)
            t.keys("C-d")
            t.wait_for(r"scoring [-\\|/] ")
            t.keys("C-c")
            end = t.wait_for(r"EXIT=0")
            self.assertRegex(end, r"Score: \d+\.\d/10  \(offline scorer\)")
            self.assertRegex(end, r" 1  gil-what +concurrency +\d+\.\d/10")
        finally:
            t.close()
            server.close()
        h = self.history()
        self.assertEqual(h["sessions"][0]["answers"], 1)
        self.assertEqual(h["topics"][0]["topic"], "concurrency")

    @unittest.skipUnless(HAVE_TMUX, "tmux is not installed")
    def test_q_after_the_last_answer_does_not_end_the_session_early(self):
        t = Tmux(f"{BIN} practice --topic gil-what --questions 1 --seconds 60 "
                 f"--scorer offline", self.env)
        try:
            t.wait_for(r"question 1/1")
            t.type(GIL_ANSWER)
            t.keys("C-d")
            t.wait_for(r"Press Enter for the model answer, q to finish now")
            t.keys("q")
            end = t.wait_for(r"EXIT=0")
            self.assertRegex(end, r"Total: \d+\.\d/10 \(\d+%\) in 00:\d\d\n")
            self.assertNotIn("ended early", end)
        finally:
            t.close()
        self.assertFalse(self.history()["sessions"][0]["interrupted"])

    def test_a_coding_answer_is_not_marked_down_for_the_explanation_practice_never_asks(self):
        # `run` keeps 20 of 100 points for a written explanation; practice asks
        # for none, so the reference solution must be able to reach 10/10.
        answers = self.tmp / "code.md"
        ref = (SOURCE / "exercises" / "generators-streaming" / "reference.py").read_text()
        answers.write_text("## generators-streaming\n" + ref)
        res = run("practice", "--answers", str(answers), "--scorer", "offline", env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        m = re.search(r"Verdict: passed   Score: (\d+\.\d)/10  \((\d+)/(\d+) points", res.stdout)
        self.assertIsNotNone(m, res.stdout)
        score, got, out_of = float(m.group(1)), int(m.group(2)), int(m.group(3))
        self.assertLess(out_of, 100, "the explanation's points were counted")
        self.assertAlmostEqual(score, round(got / out_of * 10, 1), places=1)
        if got == out_of:
            self.assertEqual(score, 10.0)

    def test_things_that_name_their_examples_are_not_a_vague_verdict(self):
        # "things like a request id" names examples; with "easier" it counted as
        # two judgements and capped a short concrete answer at 3 of 10 (a spoken
        # transcript that lost those words scored 4 points more).
        answers = self.tmp / "quiz.md"
        body = ("A ContextVar suits things like a request id or the current user, which "
                "many layers deep in the code read, where passing them through every call "
                "would be tedious. When one or two functions need a value, pass it as an "
                "argument: easier to read and to test.")
        answers.write_text("## ctxvar-when\n" + body + "\n\n## ctxvar-when\n" +
                           body.replace("things like", "values like") + "\n")
        res = run("practice", "--answers", str(answers), "--scorer", "offline", env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        things, values = [float(x) for x in re.findall(r"Score: (\d+\.\d)/10", res.stdout)]
        self.assertEqual(things, values, res.stdout)
        self.assertGreater(things, 3.0)
        self.assertNotIn("hedges or judges", res.stdout)

    def test_a_question_read_back_as_its_answer_scores_low(self):
        # Naming the question's own subject is not an answer: a rubric point
        # whose every group the question's words satisfy ("a shallow copy of a
        # nested list", "the free-threaded build") gave wrong answers points.
        answers = self.tmp / "echo.md"
        ids = []
        with answers.open("w") as f:
            for bank in sorted((SOURCE / "questions").glob("*.json")):
                for q in json.loads(bank.read_text())["questions"]:
                    ids.append(q["id"])
                    f.write(f"## {q['id']}\n{q['question']}\n\n")
        res = run("practice", "--answers", str(answers), "--scorer", "offline", env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        got = dict(re.findall(r"(?m)^ *\d+  (\S+) .*? (\d+\.\d)/10 ", res.stdout))
        self.assertEqual(sorted(got), sorted(ids), res.stdout[-3000:])
        high = {k: float(v) for k, v in got.items() if float(v) > 3.5}
        self.assertEqual(high, {}, "questions whose own text earns over 3.5")

    def test_the_summary_names_whole_topics_and_hangs_its_study_list(self):
        answers = self.tmp / "quiz.md"
        answers.write_text("## cm-exitstack\nNo idea.\n\n## ds-deque\nNo idea either.\n")
        res = run("practice", "--answers", str(answers), "--scorer", "offline", env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        summary = res.stdout[res.stdout.index("== Summary =="):]
        self.assertRegex(summary, r" 1  cm-exitstack +context managers +\d")
        self.assertRegex(summary, r" 2  ds-deque +data structures +\d")
        study = summary[summary.index("Study next:"):].splitlines()[1:]
        self.assertTrue(study[0].startswith("  - "), study)
        self.assertTrue(len(study) > 2 and study[1].startswith("    ") and
                        not study[1].startswith("    -"), study)
        self.assertTrue(all(len(line) < 80 for line in summary.splitlines()), summary)

    @unittest.skipUnless(HAVE_TMUX, "tmux is not installed")
    def test_closing_the_terminal_ends_the_session_and_keeps_what_was_answered(self):
        # Closing the window hangs the terminal up: SIGHUP, then reads fail.  The
        # session must end (not spin on a dead terminal) and record what was scored.
        for stage in ("answering", "waiting"):
            with self.subTest(stage=stage):
                hist = self.tmp / f"history-{stage}.sqlite3"
                env = dict(self.env, PYHARNESS_HISTORY=str(hist))
                t = Tmux(f"{BIN} practice --topic concurrency --no-code --questions 3 "
                         f"--seconds 60 --seed 5 --scorer offline", env)
                try:
                    t.wait_for(r"question 1/3")
                    t.type(GIL_ANSWER)
                    t.keys("C-d")
                    t.wait_for(r"Press Enter for the model answer")
                    if stage == "answering":
                        t.keys("Enter")
                        t.wait_for(r"Model answer:")
                        t.keys("Enter")
                        t.wait_for(r"question 2/3")
                        t.type("half an answer")
                finally:
                    t.close()
                deadline = time.monotonic() + 30
                while True:
                    res = run("history", "--json", env=env)
                    sessions = (res.json or {}).get("sessions", [])
                    if sessions and sessions[0]["interrupted"]:
                        break
                    self.assertLess(time.monotonic(), deadline,
                                    f"the session never ended: {res.stdout}")
                    time.sleep(0.5)
                self.assertEqual(sessions[0]["answers"], 1)

    @unittest.skipUnless(HAVE_TMUX, "tmux is not installed")
    def test_a_coding_exercise_is_edited_run_with_a_spinner_and_graded(self):
        ref = SOURCE / "exercises" / "generators-streaming" / "reference.py"
        env = dict(self.env, EDITOR=f"cp {ref}", VISUAL="")
        t = Tmux(f"{BIN} practice --topic generators-streaming --questions 1 --seconds 300",
                 env)
        try:
            s = t.wait_for(r"question 1/1 \| generators \| exercise")
            self.assertIn("Enter: edit in $EDITOR", s)
            t.keys("Enter")  # the "editor" copies a correct solution in and exits
            s = t.wait_for(r"last run \(#1\): passed", timeout=120)
            # Later runs reuse the session's engine (its host, the cached reference):
            # printed, not asserted (timings on a shared machine).
            times = [float(re.search(r"points in (\d+\.\d) s", s).group(1))]
            for n in (2, 3):
                t.keys("r")
                s = t.wait_for(rf"last run \(#{n}\): passed", timeout=120)
                times.append(float(re.search(r"points in (\d+\.\d) s", s).group(1)))
            print(f"\ngraded in {times[0]} s the first time, then {times[1]} s and {times[2]} s")
            t.keys("s")
            graded = t.wait_for(r"Press Enter for the model answer", timeout=120)
            self.assertRegex(graded, r"Verdict: passed   Score: \d+\.\d/10")
            self.assertIn("[+] batched_basic", graded)
            t.keys("Enter")
            t.wait_for(r"Model answer:")
            t.keys("Enter")
            end = t.wait_for(r"EXIT=0")
            self.assertRegex(end, r" 1  generators-streaming +generators")
        finally:
            t.close()

    def test_plain_prompts_without_a_terminal_enforce_the_time(self):
        env = dict(os.environ, **self.env)
        proc = subprocess.Popen([BIN, "practice", "--topic", "gil-what", "--questions", "1",
                                 "--seconds", "3", "--scorer", "offline"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, text=True)
        assert proc.stdin is not None
        # No blank line and the pipe stays open: only the clock ends the answer.
        proc.stdin.write("Only one thread runs Python bytecode at a time because of the lock\n")
        proc.stdin.flush()
        try:
            # communicate() would close stdin; wait with it open instead (the
            # output is far below a pipe's buffer).
            proc.wait(timeout=60)
            proc.stdin.close()
            out, err = proc.stdout.read(), proc.stderr.read()
        finally:
            proc.kill()
            for f in (proc.stdin, proc.stdout, proc.stderr):
                f.close()
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("plain prompts: stdin is not a terminal", out)
        self.assertIn("time is up: what was typed is scored", out)
        score = float(re.search(r"Score: (\d+\.\d)/10", out).group(1))
        self.assertGreater(score, 0)
        self.assertIn("Model answer:", out)
        self.assertRegex(out, r"00:03 / 00:03 timed out")

    def test_scripted_answers_are_graded_the_same_way(self):
        answers = self.tmp / "quiz.md"
        ref = (SOURCE / "exercises" / "generators-streaming" / "reference.py").read_text()
        answers.write_text("# week 3 quiz\n## gil-what\n" + GIL_ANSWER + "\n\n## ds-deque\n"
                           "No idea.\n\n## generators-streaming\n" + ref)
        res = run("practice", "--answers", str(answers), "--scorer", "offline", env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        scores = [float(x) for x in re.findall(r"Score: (\d+\.\d)/10", res.stdout)]
        self.assertEqual(len(scores), 3, res.stdout)
        self.assertGreaterEqual(scores[0], 6.0)
        self.assertLessEqual(scores[1], 1.0)
        self.assertIn("Verdict: passed", res.stdout)
        self.assertIn("untimed", res.stdout)
        # The same answer scored by `score`-style scripted grading twice is identical.
        again = run("practice", "--answers", str(answers), "--scorer", "offline", env=self.env)
        self.assertEqual(re.findall(r"Score: (\d+\.\d)", again.stdout)[:2],
                         re.findall(r"Score: (\d+\.\d)", res.stdout)[:2])
        self.assertEqual(len(self.history()["sessions"]), 2)

    def test_a_bad_answers_file_names_the_line_and_exits_2(self):
        answers = self.tmp / "quiz.md"
        answers.write_text("## gil-what\nfine\n## no-such-question\ntext\n")
        res = run("practice", "--answers", str(answers), env=self.env)
        self.assertEqual(res.rc, 2)
        self.assertIn(f"{answers}:3: no question \"no-such-question\"", res.stderr)
        res = run("practice", "--minutes", "zero", env=self.env)
        self.assertEqual(res.rc, 2)
        self.assertIn("--minutes", res.stderr)
        res = run("practice", "--topic", "no-such-topic", "--plain", env=self.env)
        self.assertEqual(res.rc, 2)

    def test_the_bank_check_passes(self):
        res = run("practice", "--check-bank", env=self.env)
        self.assertEqual(res.rc, 0, res.stdout[-2000:])
        self.assertRegex(res.stdout, r"\d+ questions \((3\d|[4-9]\d) concept questions\): all ok")


# What espeak-ng says and PocketSphinx should hear: an answer in plain words,
# not copied from any model answer (the first of tests/data/spoken_answers.md),
# and a wrong one (a control: heard, it must still score low).
SPOKEN = ("A list holds every element at once, so its memory grows with the input. A generator "
          "produces one item at a time, so memory stays constant however large the file is. "
          "Reading the file line by line and yielding records lets work start immediately.")
SPOKEN_WRONG = ("A generator is faster than a list because it is compiled to C code. It stores all "
                "the values in a cache, so reading them again later costs nothing.")
# Measured on Debian 12 (espeak-ng 1.51, pocketsphinx 0.8 en-us), with the noise floor
# voice.c adds: bank model WER 0.20, general model 0.7 on SPOKEN; scores 8.3 spoken,
# 8.9 typed; SPOKEN_WRONG 0.0 typed and spoken.  Session 7, Klatt voice: WER 0.07,
# score 7.5 spoken.  Session 8, pauses read as sentences: 9.1 spoken (gap 0.2).
# (Before the noise floor: WER 0.52 and 3.5 spoken.)  The bounds leave room for
# another version of either engine.
WER_BANK_MAX = 0.35
SCORE_GAP_MAX = 1.0
WRONG_SCORE_MAX = 3.0
# Through the sound server (PulseAudio resamples to 16 kHz, not voice.c): 0.3 measured.
RECORDED_WER_MAX = 0.5


def wer(ref: str, hyp: str) -> float:
    def words(s: str) -> list[str]:
        return re.findall(r"[a-z']+", s.lower())
    r, h = words(ref), words(hyp)
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)] / len(r)


class VoiceTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ph-voice-"))
        self.env = {"PYHARNESS_VOICE_CACHE": str(self.tmp / "voice"), "PYHARNESS_LLM_CACHE": "off"}
        doctor = run("doctor", "--json")
        voice = (doctor.json or {}).get("voice", {})
        if not voice.get("tts") or not voice.get("asr"):
            self.skipTest("built without espeak-ng or PocketSphinx")

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def speak(self, text: str = SPOKEN) -> Path:
        wav = self.tmp / "answer.wav"
        res = run("voice", "say", text, "--wav", str(wav), env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertGreater(wav.stat().st_size, 100_000)
        return wav

    def test_a_spoken_answer_is_transcribed_better_by_the_bank_model(self):
        wav = self.speak()
        bank = run("voice", "transcribe", str(wav), env=self.env)
        self.assertEqual(bank.rc, 0, bank.stderr)
        general = run("voice", "transcribe", str(wav), "--lm", "general", env=self.env)
        self.assertEqual(general.rc, 0, general.stderr)
        w_bank, w_general = wer(SPOKEN, bank.stdout), wer(SPOKEN, general.stdout)
        print(f"\nWER bank model {w_bank:.2f}, general model {w_general:.2f}")
        self.assertLessEqual(w_bank, WER_BANK_MAX, bank.stdout)
        self.assertLess(w_bank, w_general)

    def score(self, *args: str) -> float:
        res = run("practice", "--no-history", "--scorer", "offline", *args, env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        return float(re.search(r"Score: (\d+\.\d)/10", res.stdout).group(1))

    def test_a_spoken_answer_is_scored_close_to_the_typed_one(self):
        wav = self.speak()
        # The transcript is shown, then scored like a typed answer.
        spoken = run("practice", "--topic", "gen-memory", "--questions", "1", "--answer-audio",
                     str(wav), "--no-history", "--scorer", "offline", env=self.env)
        self.assertEqual(spoken.rc, 0, spoken.stderr)
        self.assertIn(f"Transcript of {wav}:", spoken.stdout)
        typed_file = self.tmp / "typed.md"
        typed_file.write_text("## gen-memory\n" + SPOKEN + "\n")
        # The recogniser's pauses are its punctuation: three sentences said, three heard.
        heard = spoken.stdout.split(f"Transcript of {wav}:", 1)[1].split("\n\n", 1)[0]
        self.assertGreaterEqual(len(re.findall(r"\.\s", heard + "\n")), 2, heard)
        s_spoken = float(re.search(r"Score: (\d+\.\d)/10", spoken.stdout).group(1))
        s_typed = self.score("--answers", str(typed_file))
        print(f"score typed {s_typed}, spoken {s_spoken}")
        self.assertGreaterEqual(s_typed, 7.0)
        self.assertLessEqual(abs(s_typed - s_spoken), SCORE_GAP_MAX)

    def test_a_wrong_answer_spoken_still_scores_low(self):
        wav = self.speak(SPOKEN_WRONG)
        s_spoken = self.score("--topic", "gen-memory", "--questions", "1", "--answer-audio",
                              str(wav))
        typed_file = self.tmp / "typed.md"
        typed_file.write_text("## gen-memory\n" + SPOKEN_WRONG + "\n")
        s_typed = self.score("--answers", str(typed_file))
        print(f"wrong answer: score typed {s_typed}, spoken {s_spoken}")
        self.assertLessEqual(s_typed, WRONG_SCORE_MAX)
        self.assertLessEqual(s_spoken, WRONG_SCORE_MAX)

    def test_measure_reads_an_answers_file_and_names_its_bad_line(self):
        bad = self.tmp / "answers.md"
        bad.write_text("# a comment\n## gen-memory\nA list holds everything.\n## no-such-q\nx\n")
        res = run("voice", "measure", "--answers", str(bad), env=self.env)
        self.assertEqual(res.rc, 2)
        self.assertIn(f"{bad}:4: no concept question \"no-such-q\"", res.stderr)
        good = self.tmp / "good.md"
        good.write_text("## gen-memory wrong\n" + SPOKEN_WRONG + "\n")
        res = run("voice", "measure", "--answers", str(good), "--lm", "mixed", "--json",
                  env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        (a,) = res.json["answers"]
        self.assertTrue(a["wrong"])
        self.assertLessEqual(a["score_mixed"], WRONG_SCORE_MAX)
        self.assertLessEqual(res.json["mixed"]["wrong_score_max"], WRONG_SCORE_MAX)
        self.assertNotIn("bank", res.json)  # --lm: that model only

    def measured(self, name: str) -> tuple[dict, float]:
        """`voice measure` of tests/data/NAME with the bank model: its figures, and
        the highest score of a wrong answer heard (the figures' wrong_score_max
        is the higher of typed and heard)."""
        data = Path(__file__).resolve().parents[1] / "data" / name
        res = run("voice", "measure", "--answers", str(data), "--lm", "bank", "--json",
                  env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        m = res.json["bank"]
        heard_wrong = max([a["score_bank"] for a in res.json["answers"] if a["wrong"]],
                          default=0.0)
        print(f"\n{name}, bank model: WER {m['wer']:.3f}, gap mean {m['score_gap_mean']:.2f}, "
              f"largest {m['score_gap_max']:.2f}, wrong at most {m['wrong_score_max']:.1f} "
              f"(heard {heard_wrong:.1f}), {len(res.json['answers'])} answers")
        return m, heard_wrong

    def test_held_out_spoken_answers_stay_within_their_measured_figures(self):
        """tests/data/spoken_heldout3.md (19 right, 5 wrong) was written and committed in
        session 8 before anything was changed or measured on it.  Bank model, measured
        (docs/practice.md) before / after the session's changes (sentences from pauses,
        names written apart or together): WER 0.202 / 0.202, typed vs spoken gap mean
        1.43 / 1.02, largest 5.5 / 6.5, wrong answers at most 3.5 / 3.5 typed, 3.1 / 3.1
        heard; after merging main (bank model rebuilt) 0.190, 0.89, 6.5, 3.5 / 3.1; after
        session 10 0.189, 0.71, 3.0; after session 11's transcript repairs ("state" put back
        as "stage", "contiguous" as "continu*") 0.189, 0.44, 2.4, 3.5 / 3.1.  The largest
        gap and the wrong answers do NOT meet issue 16's goals (largest <= 2.0, wrong <=
        2.5) on this set.  Bounds: measured + 0.07 WER, + 0.5 points."""
        m, heard_wrong = self.measured("spoken_heldout3.md")
        self.assertLessEqual(m["wer"], 0.26)
        self.assertLessEqual(m["score_gap_mean"], 0.95)
        self.assertLessEqual(m["score_gap_max"], 2.9)
        self.assertLessEqual(m["wrong_score_max"], 4.0)
        self.assertLessEqual(heard_wrong, 3.6)

    def test_held_out4_spoken_answers_stay_within_their_measured_figures(self):
        """tests/data/spoken_heldout4.md (16 right, 5 wrong) was written and committed in
        session 9 before anything was changed or measured on it.  Bank model, before /
        after the session's changes (hedge.c's "things like", nine rubric points no
        longer earned by the question's own words): WER 0.231 / 0.231, gap mean 1.04 /
        0.79, largest 4.0 / 3.0, wrong answers at most 1.6 / 1.6 typed, 3.5 / 1.6 heard.
        Gap mean (<= 1.0) and wrong answers (<= 2.5) meet issue 16's goals on it; the
        largest gap (<= 2.0) does not (misheard words: "str or len" heard "as the are
        or than").  Bounds: measured + 0.07 WER, + 0.5 points."""
        m, heard_wrong = self.measured("spoken_heldout4.md")
        self.assertLessEqual(m["wer"], 0.30)
        self.assertLessEqual(m["score_gap_mean"], 1.3)
        self.assertLessEqual(m["score_gap_max"], 3.5)
        self.assertLessEqual(m["wrong_score_max"], 2.1)
        self.assertLessEqual(heard_wrong, 2.1)

    def test_held_out5_spoken_answers_stay_within_their_measured_figures(self):
        """tests/data/spoken_heldout5.md (18 right, 6 wrong) was written and committed in
        session 10 before anything was changed or measured on it, and measured once
        (docs/practice.md): WER 0.230, gap mean 0.55, largest 5.0 (prof-cprofile, 8.0
        typed and 3.0 heard from a nearly exact transcript), wrong answers at most 5.6
        typed (prof-cprofile wrong), 3.2 heard.  A tuning set since session 11, where the
        transcript's clause comma before "so you" brought prof-cprofile back to 8.0: gap
        mean 0.27, largest 1.5.  The wrong answers (typed 5.6: the rubric's; heard 3.2)
        do NOT meet issue 16's goal.  Bounds: measured + 0.07 WER, + 0.5 points."""
        m, heard_wrong = self.measured("spoken_heldout5.md")
        self.assertLessEqual(m["wer"], 0.30)
        self.assertLessEqual(m["score_gap_mean"], 0.77)
        self.assertLessEqual(m["score_gap_max"], 2.0)
        self.assertLessEqual(m["wrong_score_max"], 6.1)
        self.assertLessEqual(heard_wrong, 3.7)

    def test_held_out6_spoken_answers_stay_within_their_measured_figures(self):
        """tests/data/spoken_heldout6.md (20 right, 7 wrong) was written and committed in
        session 11 before anything was changed or measured on it.  Bank model, before /
        after the session's transcript repairs (soundalike.c, the clause comma), each
        measured once: WER 0.210 / 0.210, gap mean 0.22 / 0.22, largest 1.9 / 1.9, wrong
        answers at most 3.1 / 3.1 typed, 6.1 / 6.1 heard: no answer's score moved.  The
        gap goals of issue 16 are met on it; the wrong answers are NOT (mem-copy wrong:
        0.0 typed, 6.1 heard, because the comma before "and a deep copy" was not heard and
        the rubric reads the sentence without it as right: typed without the comma it
        scores 7.2).  Bounds: measured + 0.07 WER, + 0.5 points."""
        m, heard_wrong = self.measured("spoken_heldout6.md")
        self.assertLessEqual(m["wer"], 0.28)
        self.assertLessEqual(m["score_gap_mean"], 0.72)
        self.assertLessEqual(m["score_gap_max"], 2.4)
        self.assertLessEqual(m["wrong_score_max"], 6.6)
        self.assertLessEqual(heard_wrong, 6.6)

    def test_held_out7_spoken_answers_stay_within_their_measured_figures(self):
        """tests/data/spoken_heldout7.md (20 right, 7 wrong) was written and committed in
        session 12 (75eeb7d) before anything was changed or measured on it.  Bank model,
        measured once on the unchanged branch: WER 0.219, gap mean 0.62, largest 3.0
        (prof-first 6.0 typed, 3.0 heard; gil-multiprocessing-cost 5.5 typed, 8.5 heard),
        wrong answers at most 4.4 typed and 4.4 heard (mem-copy wrong).  The gap mean meets
        issue 16's goal; the largest gap and the wrong answers do NOT.  Bounds: measured +
        0.07 WER, + 0.5 points."""
        m, heard_wrong = self.measured("spoken_heldout7.md")
        self.assertLessEqual(m["wer"], 0.29)
        self.assertLessEqual(m["score_gap_mean"], 1.12)
        self.assertLessEqual(m["score_gap_max"], 3.5)
        self.assertLessEqual(m["wrong_score_max"], 4.9)
        self.assertLessEqual(heard_wrong, 4.9)

    def test_tuning_spoken_answers_stay_within_their_measured_figures(self):
        """The three tuning sets (50 answers; the voice, pronunciations, pause lengths and
        the matcher's joins were chosen on them), measured after session 8: WER 0.205 /
        0.256 / 0.225, gap mean 0.37 / 0.29 / 0.88 (0.75 / 0.58 / 1.53 before), largest
        2.5 / 1.5 / 4.0, wrong at most 0.6 / 2.0 / 3.6 (typed and heard alike).  After
        session 9 (hedge.c, rubric points not earned by the question's words): gap mean
        0.37 / 0.23 / 0.68, largest 2.5 / 1.5 / 2.8, wrong at most 0.6 / 2.0 / 0.6.
        Bounds: measured + 0.07 WER, + 0.5 points."""
        for name, wer_max, mean_max, gap_max, wrong_max in (
                ("spoken_answers.md", 0.28, 0.9, 3.0, 1.1),
                ("spoken_heldout.md", 0.33, 0.8, 2.0, 2.5),
                ("spoken_heldout2.md", 0.30, 1.4, 4.5, 4.1)):
            m, _ = self.measured(name)
            self.assertLessEqual(m["wer"], wer_max, name)
            self.assertLessEqual(m["score_gap_mean"], mean_max, name)
            self.assertLessEqual(m["score_gap_max"], gap_max, name)
            self.assertLessEqual(m["wrong_score_max"], wrong_max, name)

    def test_a_wav_that_is_not_one_is_refused_naming_the_file(self):
        bad = self.tmp / "bad.wav"
        bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
        res = run("voice", "transcribe", str(bad), env=self.env)
        self.assertEqual(res.rc, 2)
        self.assertIn(str(bad), res.stderr)


class SoundDevice:
    """A PulseAudio server of the test's own, in user space: a virtual microphone
    (a pipe source the test writes PCM into) and a virtual speaker (a null sink,
    clocked like a sound card, whose monitor the test records with parec).  libsphinxad and espeak-ng's pcaudio talk to it exactly as
    to a real sound card; nothing outside the temporary folder is touched."""

    RATE = 22050  # espeak-ng's rate: what the test plays into the microphone

    def __init__(self, tmp: Path):
        self.dir = tmp / "pulse"
        self.dir.mkdir()
        self.mic = self.dir / "mic.fifo"
        self.env = {"XDG_RUNTIME_DIR": str(self.dir), "HOME": str(tmp),
                    "PULSE_SERVER": f"unix:{self.dir}/native", "PULSE_SOURCE": "ph_mic",
                    "PULSE_SINK": "ph_out"}
        fmt = f"format=s16le rate={self.RATE} channels=1"
        self.proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
             "--disable-shm", "-L", f"module-native-protocol-unix auth-anonymous=1 "
             f"socket={self.dir}/native",
             "-L", f"module-pipe-source source_name=ph_mic file={self.mic} {fmt}",
             "-L", f"module-null-sink sink_name=ph_out {fmt}"],
            env={**os.environ, **self.env}, stdout=subprocess.DEVNULL,
            stderr=self._log())
        self.played = bytearray()
        deadline = time.monotonic() + 20
        while not ((self.dir / "native").exists() and self.mic.exists()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = (self.dir / "pulseaudio.log").read_text(errors="replace")
                self.close()
                raise unittest.SkipTest(f"pulseaudio does not start here: {log[-600:]}")
            time.sleep(0.1)
        import threading
        self.parec = None
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        # Opened read-write so that opening never blocks and the source never sees EOF.
        self.mic_fd = os.open(self.mic, os.O_RDWR | os.O_NONBLOCK)

    def _drain(self) -> None:
        self.parec = subprocess.Popen(
            ["parec", "-d", "ph_out.monitor", "--raw", "--format=s16le", f"--rate={self.RATE}",
             "--channels=1"], env={**os.environ, **self.env}, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        while True:
            b = self.parec.stdout.read1(65536)
            if not b:
                return
            self.played += b

    def _log(self):
        self.log = open(self.dir / "pulseaudio.log", "wb")
        return self.log

    def loud_samples(self) -> int:
        import array
        a = array.array("h", bytes(self.played[: len(self.played) // 2 * 2]))
        return sum(1 for x in a if abs(x) > 1000)

    def played_wav(self, path: Path) -> Path:
        import wave
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.RATE)
            w.writeframes(bytes(self.played[: len(self.played) // 2 * 2]))
        return path

    def say_into_mic(self, wav: Path, silence_after: float = 3.0) -> None:
        """Speak `wav` into the microphone in real time, then silence."""
        import wave
        with wave.open(str(wav), "rb") as w:
            assert w.getframerate() == self.RATE and w.getnchannels() == 1
            pcm = w.readframes(w.getnframes())
        speech = len(pcm)
        pcm += b"\x00\x00" * int(self.RATE * silence_after)
        step = self.RATE // 10 * 2
        deadline = time.monotonic() + 2 * len(pcm) / (2 * self.RATE) + 30
        i = 0
        while i < len(pcm):
            if time.monotonic() > deadline:
                if i > speech:
                    return  # the recorder heard the pause and stopped reading
                raise AssertionError("the microphone is not being read")
            try:
                i += os.write(self.mic_fd, pcm[i:i + step])
            except BlockingIOError:
                pass
            time.sleep(0.1)

    def close(self) -> None:
        if getattr(self, "parec", None) is not None and self.parec.poll() is None:
            self.parec.terminate()
            self.parec.wait()
            self.reader.join(5)
            self.parec.stdout.close()
        if getattr(self, "mic_fd", None) is not None:
            os.close(self.mic_fd)
            self.mic_fd = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@unittest.skipUnless(HAVE_TMUX and shutil.which("pulseaudio"), "needs tmux and pulseaudio")
class SoundDeviceTest(unittest.TestCase):
    """--voice with a microphone and a speaker: the question is played through the
    sound server, and an answer spoken into the microphone (Ctrl-R) is recorded
    through libsphinxad, transcribed into the editor and scored."""

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ph-sound-"))
        doctor = run("doctor", "--json")
        voice = (doctor.json or {}).get("voice", {})
        if not voice.get("tts") or not voice.get("asr"):
            self.skipTest("built without espeak-ng or PocketSphinx")
        self.dev = SoundDevice(self.tmp)
        self.env = {"PYHARNESS_HISTORY": str(self.tmp / "history.sqlite3"),
                    "PYHARNESS_VOICE_CACHE": str(self.tmp / "voice"),
                    "PYHARNESS_LLM_CACHE": "off", "TERM": "xterm", **self.dev.env}

    def tearDown(self) -> None:
        self.dev.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_the_question_is_played_and_a_spoken_answer_is_recorded_and_scored(self):
        wav = self.tmp / "answer.wav"
        res = run("voice", "say", SPOKEN, "--wav", str(wav), env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        t = Tmux(f"{BIN} practice --voice --topic gen-memory --questions 1 --minutes 5 "
                 "--scorer offline", self.env)
        try:
            t.wait_for(r"keep memory flat", 60)
            # The question reaches the speaker, and is what was asked.
            deadline = time.monotonic() + 60
            while self.dev.loud_samples() < self.dev.RATE and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(3)  # the rest of the sentence
            self.assertGreater(self.dev.loud_samples(), self.dev.RATE, "nothing was played")
            heard = run("voice", "transcribe", str(self.dev.played_wav(self.tmp / "played.wav")),
                        env=self.env)
            self.assertEqual(heard.rc, 0, heard.stderr)
            print(f"\nplayed question heard as: {heard.stdout.strip()}")
            self.assertLessEqual(wer("Why does a generator keep memory flat when processing a "
                                     "large file, compared with building a list?",
                                     heard.stdout), 0.5, heard.stdout)
            # Ctrl-R records from the microphone until a pause.
            t.keys("C-r")
            t.wait_for(r"listening: speak", 30)
            try:
                self.dev.say_into_mic(wav)
            except AssertionError as e:
                raise AssertionError(f"{e}:\n{t.screen()}") from None
            screen = t.wait_for(r"transcript inserted", 90)
            typed = screen.split("Ctrl-C quit", 1)[1].split("transcript inserted")[0]
            w = wer(SPOKEN, " ".join(typed.split()).strip("- "))
            print(f"recorded answer: WER {w:.2f}")
            self.assertLessEqual(w, RECORDED_WER_MAX, screen)
            t.keys("C-d")
            screen = t.wait_for(r"Score: \d+\.\d/10", 90)
            score = float(re.search(r"Score: (\d+\.\d)/10", screen).group(1))
            print(f"recorded answer scored {score}")
            self.assertGreaterEqual(score, 6.0, screen)
        finally:
            t.close()

    def test_enter_or_space_stops_a_recording_early(self):
        """While recording, the screen names the stop keys; Space ends the recording
        mid-sentence (the speaker has not paused), and what was said so far is
        transcribed into the editor."""
        import threading
        import wave
        wav = self.tmp / "answer.wav"
        res = run("voice", "say", SPOKEN, "--wav", str(wav), env=self.env)
        self.assertEqual(res.rc, 0, res.stderr)
        with wave.open(str(wav), "rb") as w:
            pcm = w.readframes(w.getnframes())
        stream = pcm * 4  # about 50 s of speech: far past any pause the recorder waits for
        t = Tmux(f"{BIN} practice --voice --topic gen-memory --questions 1 --minutes 5 "
                 "--scorer offline", self.env)
        stop = threading.Event()
        fed = [0]

        def feed() -> None:
            step = self.dev.RATE // 10 * 2
            while fed[0] < len(stream) and not stop.is_set():
                try:
                    fed[0] += os.write(self.dev.mic_fd, stream[fed[0]:fed[0] + step])
                except BlockingIOError:
                    pass
                time.sleep(0.1)

        feeder = threading.Thread(target=feed, daemon=True)
        try:
            t.wait_for(r"keep memory flat", 60)
            t.keys("C-r")
            screen = t.wait_for(r"listening: speak", 30)
            self.assertIn("Enter or Space stops", screen)
            feeder.start()
            time.sleep(5)
            t.keys("Space")
            pressed = fed[0]
            screen = t.wait_for(r"transcript inserted", 60)
            heard_at = fed[0]
            stop.set()
            self.assertNotIn("Enter or Space stops", screen)
            typed = screen.split("Ctrl-C quit", 1)[1].split("transcript inserted")[0]
            words = re.findall(r"[a-z']+", typed.lower())
            print(f"\nstopped after {pressed / 2 / self.dev.RATE:.1f} s of speech: "
                  f"{len(words)} words heard: {' '.join(words)}")
            # Cut short: well under one telling of the answer (45 words), and the
            # transcript came while the speaker was still talking.
            self.assertGreaterEqual(len(words), 3, screen)
            self.assertLess(len(words), 40, screen)
            self.assertLess(heard_at, len(stream), "the recording ran until the speech ended")
            said = set(re.findall(r"[a-z']+", SPOKEN.lower()))
            self.assertGreaterEqual(sum(w in said for w in words), len(words) / 2, screen)
        finally:
            stop.set()
            t.close()


class SttServerTest(unittest.TestCase):
    """An OpenAI-compatible transcription server (a local fake of its request and
    response shapes) stands in for PocketSphinx when PYHARNESS_STT_URL is set."""

    def test_a_configured_server_transcribes_the_spoken_answer(self):
        import http.server
        import struct
        import threading

        seen: dict = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                seen.update(path=self.path, ctype=self.headers["Content-Type"], body=body,
                            auth=self.headers.get("Authorization"))
                out = json.dumps({"text": SPOKEN}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        tmp = Path(tempfile.mkdtemp(prefix="ph-stt-"))
        try:
            wav = tmp / "a.wav"
            pcm = b"\x00\x01" * 16000
            wav.write_bytes(struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(pcm), b"WAVE",
                                        b"fmt ", 16, 1, 1, 16000, 32000, 2, 16, b"data",
                                        len(pcm)) + pcm)
            env = {"PYHARNESS_STT_URL": f"http://127.0.0.1:{server.server_port}/v1",
                   "PYHARNESS_STT_MODEL": "whisper-small", "PYHARNESS_STT_API_KEY": "k-1",
                   "PYHARNESS_LLM_CACHE": "off"}
            res = run("practice", "--topic", "gen-memory", "--questions", "1", "--answer-audio",
                      str(wav), "--no-history", "--scorer", "offline", env=env)
            self.assertEqual(res.rc, 0, res.stderr)
            self.assertIn(f"Transcript of {wav}:", res.stdout)
            self.assertIn("A list holds every element at once", res.stdout)
            score = float(re.search(r"Score: (\d+\.\d)/10", res.stdout).group(1))
            self.assertGreaterEqual(score, 7.0)
            self.assertEqual(seen["path"], "/v1/audio/transcriptions")
            self.assertIn("multipart/form-data; boundary=", seen["ctype"])
            self.assertIn(b'name="model"\r\n\r\nwhisper-small', seen["body"])
            self.assertIn(b'filename="answer.wav"', seen["body"])
            self.assertIn(b"RIFF", seen["body"])
            self.assertEqual(seen["auth"], "Bearer k-1")
            bad = run("voice", "transcribe", str(wav),
                      env={"PYHARNESS_STT_URL": "https://example.org/v1"})
            self.assertEqual(bad.rc, 2)
            self.assertIn("only http://", bad.stderr)
        finally:
            server.shutdown()
            server.server_close()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
