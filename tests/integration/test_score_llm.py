"""`pyharness score` against a fake LLM provider (tests/tools/fake_llm_server.py).

Proves, through the real binary: retries and backoff on 429 (honouring
Retry-After), 500 and timeouts; one retry then the offline fallback on
malformed or out-of-range grades, marked in the JSON; no answer lost in a
batch; the concurrency limit and the per-minute budget; the cache (a regrade
sends nothing); the Anthropic format; and that the API key never reaches
stdout, stderr, the JSON or the cache.  Timing assertions are lower bounds or
generous, so a loaded 2-core machine does not make them flaky.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path
from typing import Any

from phtest import check_result

BIN = os.environ.get("PYHARNESS_BIN", "")
SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", Path(__file__).resolve().parents[2]))
SERVER = SOURCE / "tests" / "tools" / "fake_llm_server.py"
KEY = "sk-test-SECRET-key-4242"

EXERCISE = {
    "id": "tiny-gather",
    "title": "Tiny gather",
    "topic": "asyncio",
    "question": "In what order does asyncio.gather return results, and why?",
    "model_answer": "gather returns results in the order the awaitables were passed, "
    "whichever finishes first; the coroutines still run concurrently.",
    "entry_points": ["f"],
    "checks": [{"name": "basic"}],
    "rubric": {
        "max": 10,
        "points": [
            {"id": "order", "text": "gather returns results in the order of its arguments",
             "weight": 2,
             "concepts": [["gather"], ["same order", "argument order", "order they were passed"]]},
            {"id": "concurrent", "text": "the awaitables run concurrently", "weight": 1,
             "concepts": [["concurrently", "at the same time"]]},
        ],
        "misconceptions": [
            {"id": "completion-order", "text": "gather returns results in completion order",
             "penalty": 3,
             "concepts": [["gather"], ["completion order", "order they finish"]]},
        ],
    },
}

GOOD = ("asyncio.gather returns results in the same order as the awaitables were passed, "
        "no matter which finishes first. The coroutines run concurrently on the event loop.\n")


def make_exercise(root: Path) -> Path:
    d = root / "exercises" / "tiny-gather"
    d.mkdir(parents=True)
    (d / "exercise.json").write_text(json.dumps(EXERCISE))
    for name in ("checks.py", "reference.py", "starter.py"):
        (d / name).write_text("")
    return d


class FakeServer:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(SERVER), *args],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())
        self.url = "http://127.0.0.1:%d" % self.port

    def post(self, path: str, obj: dict[str, Any] | None = None) -> Any:
        req = urllib.request.Request(self.url + path, data=json.dumps(obj or {}).encode(),
                                     method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "/stats", timeout=10) as r:
            return json.load(r)

    def set(self, mode: str = "normal", delay: float = 0, fail_times: int = -1,
            retry_after: str = "1") -> None:
        self.post("/control", {"mode": mode, "delay": delay, "fail_times": fail_times,
                               "retry_after": retry_after})
        self.post("/reset")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class ScoreWithFakeLLM(unittest.TestCase):
    server: FakeServer

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = FakeServer()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.close()

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ph-score-llm-"))
        self.exercise = make_exercise(self.tmp)
        self.server.set()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PYHARNESS_LLM", "OPENAI_", "ANTHROPIC_"))}
        self.env.update({
            "PYHARNESS_LLM_BASE_URL": self.server.url + "/v1",
            "PYHARNESS_LLM_API_KEY": KEY,
            "PYHARNESS_LLM_MODEL": "fake-1",
            "PYHARNESS_LLM_CACHE": str(self.tmp / "cache" / "llm.sqlite3"),
            "PYHARNESS_LLM_TIMEOUT_S": "10",
            "XDG_CONFIG_HOME": str(self.tmp / "config"),
            "XDG_CACHE_HOME": str(self.tmp / "xdg-cache"),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        })

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def answer(self, text: str, name: str = "answer.md") -> str:
        p = self.tmp / name
        p.write_bytes(text.encode() if isinstance(text, str) else text)
        return str(p)

    def run_score(self, *args: str, expect: int = 0,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        cmd = [BIN, "score", str(self.exercise), *args]
        p = subprocess.run(cmd, env=env or self.env, capture_output=True, text=True,
                           timeout=300)
        self.assertNotIn(KEY, p.stdout)
        self.assertNotIn(KEY, p.stderr)
        self.assertEqual(p.returncode, expect, "stdout: %s\nstderr: %s" % (p.stdout, p.stderr))
        return p

    def score_json(self, *files: str, env: dict[str, str] | None = None) -> Any:
        return json.loads(self.run_score(*files, "--json", env=env).stdout)

    # -- the happy path ---------------------------------------------------------------------

    def test_llm_grade_shape_and_auth(self) -> None:
        r = self.score_json(self.answer(GOOD))
        self.assertEqual(r["scorer"], "openai:fake-1")
        self.assertEqual(r["question"], "tiny-gather")
        # Every point credited 1: the grade is 10 from the rubric, whatever the
        # model's own total (8) says.
        self.assertEqual((r["score"], r["max"], r["llm_total"]), (10, 10, 8))
        self.assertFalse(r["needs_review"])
        self.assertEqual([p["id"] for p in r["points"]], ["order", "concurrent"])
        self.assertIn("feedback", r)
        self.assertEqual(r["misconceptions"], [])
        self.assertFalse(r["fallback"])
        self.assertIn("offline", r)  # calibration beside the LLM's verdict
        self.assertIn("model_answer", r)
        s = self.server.stats()
        self.assertEqual((s["requests"], s["auth_present"], s["auth_missing"]), (1, 1, 0))
        text = self.run_score(self.answer(GOOD, "b.md")).stdout
        self.assertIn("10.0/10", text)
        self.assertIn("model answer", text)

    def test_offline_scorer_sends_nothing(self) -> None:
        r = self.score_json(self.answer(GOOD), "--scorer", "offline")
        self.assertEqual(r["scorer"], "offline")
        self.assertEqual(self.server.stats()["requests"], 0)

    # -- retries ----------------------------------------------------------------------------

    def test_429_retried_honouring_retry_after(self) -> None:
        self.server.set("429", fail_times=2, retry_after="2")
        r = self.score_json(self.answer(GOOD))
        self.assertEqual(r["scorer"], "openai:fake-1")
        self.assertFalse(r["fallback"])
        self.assertEqual(r["requests"], 3)
        times = self.server.stats()["times"]
        self.assertEqual(len(times), 3)
        for a, b in zip(times, times[1:]):
            self.assertGreaterEqual(b - a, 1.9, "Retry-After: 2 not honoured: %s" % times)

    def test_500_retried(self) -> None:
        self.server.set("500", fail_times=2)
        r = self.score_json(self.answer(GOOD))
        self.assertFalse(r["fallback"])
        self.assertEqual(self.server.stats()["requests"], 3)

    def test_500_forever_falls_back_after_max_retries(self) -> None:
        self.server.set("500")
        env = dict(self.env, PYHARNESS_LLM_MAX_RETRIES="2")
        r = self.score_json(self.answer(GOOD), env=env)
        self.assertTrue(r["fallback"])
        self.assertEqual(r["scorer"], "offline")
        self.assertIn("HTTP 500", r["note"])
        self.assertEqual(self.server.stats()["requests"], 3)

    def test_malformed_retried_once_then_offline_fallback(self) -> None:
        self.server.set("malformed")
        r = self.score_json(self.answer(GOOD))
        self.assertTrue(r["fallback"])
        self.assertEqual(r["scorer"], "offline")
        self.assertIn("offline scorer stood in", r["note"])
        self.assertEqual(self.server.stats()["requests"], 2)
        self.assertGreater(r["score"], 0)

    def test_out_of_range_score_retried_once(self) -> None:
        self.server.set("bad-score", fail_times=1)
        r = self.score_json(self.answer(GOOD))
        self.assertFalse(r["fallback"])
        self.assertEqual(r["score"], 10)
        self.assertEqual(self.server.stats()["requests"], 2)
        self.server.set("bad-score")
        r = self.score_json(self.answer(GOOD + "again"))
        self.assertTrue(r["fallback"])
        self.assertIn("outside", r["note"])
        self.assertEqual(self.server.stats()["requests"], 2)

    def test_hang_times_out_then_falls_back(self) -> None:
        self.server.set("hang")
        env = dict(self.env, PYHARNESS_LLM_TIMEOUT_S="1", PYHARNESS_LLM_MAX_RETRIES="1")
        t0 = time.monotonic()
        r = self.score_json(self.answer(GOOD), env=env)
        self.assertLess(time.monotonic() - t0, 60)
        self.assertTrue(r["fallback"])
        self.assertIn("timed out", r["note"])
        self.assertEqual(self.server.stats()["requests"], 2)

    # -- batches ----------------------------------------------------------------------------

    def test_many_answers_nothing_lost(self) -> None:
        self.server.set(delay=0.05)
        files, expect = [], []
        for i in range(30):
            if i % 5 == 0:
                text, want = GOOD + "\nFAKE_MODE=malformed %d\n" % i, None
            else:
                c = (i % 10) / 10
                text, want = GOOD + "\nFAKE_CREDIT=%g FAKE_SCORE=%d\n" % (c, i % 10), float(i % 10)
            files.append(self.answer(text, "a%02d.md" % i))
            expect.append(want)
        env = dict(self.env, PYHARNESS_LLM_CONCURRENCY="4")
        out = self.score_json(*files, env=env)
        self.assertEqual(len(out), 30)
        for f, want, r in zip(files, expect, out):
            self.assertEqual(r["file"], f)
            if want is None:
                self.assertTrue(r["fallback"], f)
            else:
                self.assertFalse(r["fallback"], f)
                self.assertEqual(r["score"], want, f)
        s = self.server.stats()
        self.assertEqual(s["requests"], 24 + 6 * 2)
        self.assertLessEqual(s["max_in_flight"], 4)
        self.assertLess(s["connections"], s["requests"], "connections are not reused")

    def test_concurrency_is_used_and_capped(self) -> None:
        self.server.set(delay=0.3)
        files = [self.answer(GOOD + "#%d" % i, "c%02d.md" % i) for i in range(16)]
        self.score_json(*files, env=dict(self.env, PYHARNESS_LLM_CONCURRENCY="4"))
        s = self.server.stats()
        self.assertEqual(s["requests"], 16)
        self.assertLessEqual(s["max_in_flight"], 4)
        self.assertGreaterEqual(s["max_in_flight"], 2)

    def test_rpm_budget_spaces_requests(self) -> None:
        files = [self.answer(GOOD + "#%d" % i, "r%d.md" % i) for i in range(3)]
        env = dict(self.env, PYHARNESS_LLM_RPM="60", PYHARNESS_LLM_CONCURRENCY="1")
        self.score_json(*files, env=env)
        times = self.server.stats()["times"]
        self.assertEqual(len(times), 3)
        self.assertGreaterEqual(times[-1] - times[0], 1.5, times)

    # -- cache ------------------------------------------------------------------------------

    def test_cache_hit_sends_no_second_request(self) -> None:
        f = self.answer(GOOD)
        first = self.score_json(f)
        self.assertFalse(first["cached"])
        second = self.score_json(f)
        self.assertTrue(second["cached"])
        self.assertEqual(second["score"], first["score"])
        self.assertEqual(self.server.stats()["requests"], 1)
        self.score_json(self.answer(GOOD + " Also, it is concurrent.", "changed.md"))
        self.assertEqual(self.server.stats()["requests"], 2)
        # A fallback is never cached: the next run asks again.
        self.server.set("malformed")
        self.score_json(self.answer("something else entirely", "x.md"))
        self.server.post("/control", {"mode": "normal"})
        self.server.post("/reset")
        self.assertFalse(self.score_json(str(self.tmp / "x.md"))["cached"])
        self.assertEqual(self.server.stats()["requests"], 1)
        self.assertNotIn(KEY.encode(), (self.tmp / "cache" / "llm.sqlite3").read_bytes())

    # -- providers and secrecy --------------------------------------------------------------

    def test_anthropic_format(self) -> None:
        env = {k: v for k, v in self.env.items() if not k.startswith("PYHARNESS_LLM_")}
        env.update({"PYHARNESS_LLM_PROVIDER": "anthropic",
                    "PYHARNESS_LLM_BASE_URL": self.server.url,
                    "PYHARNESS_LLM_MODEL": "claude-fake",
                    "ANTHROPIC_API_KEY": KEY,
                    "PYHARNESS_LLM_CACHE": "off"})
        r = self.score_json(self.answer(GOOD), env=env)
        self.assertEqual(r["scorer"], "anthropic:claude-fake")
        self.assertEqual(r["score"], 10)
        s = self.server.stats()
        self.assertEqual(s["paths"], {"/v1/messages": 1})
        self.assertEqual(s["auth_present"], 1)
        self.server.set("429", fail_times=1, retry_after="1")
        r = self.score_json(self.answer(GOOD + "!"), env=env)
        self.assertFalse(r["fallback"])
        self.assertEqual(self.server.stats()["requests"], 2)

    def test_key_never_appears_even_when_echoed(self) -> None:
        self.server.set("echo-key")
        p = self.run_score(self.answer(GOOD), "--json")  # run_score checks stdout/stderr
        r = json.loads(p.stdout)
        self.assertTrue(r["fallback"])
        self.assertIn("401", r["note"])
        self.run_score(self.answer(GOOD))
        bad = dict(self.env, PYHARNESS_LLM_CONCURRENCY="zero")
        p = self.run_score(self.answer(GOOD), expect=2, env=bad)
        self.assertIn("PYHARNESS_LLM_CONCURRENCY", p.stderr)

    # -- the grade is the rubric's arithmetic --------------------------------------------

    def test_grade_is_rubric_arithmetic_and_the_models_total_only_a_check(self) -> None:
        r = self.score_json(self.answer(GOOD + "FAKE_CREDIT=0.5 FAKE_SCORE=9\n"))
        self.assertEqual((r["score"], r["llm_total"]), (5, 9))
        self.assertTrue(r["needs_review"])
        self.assertIn("own total", r["review_reason"])

    def test_misconception_counts_only_with_a_quote_from_the_answer(self) -> None:
        r = self.score_json(self.answer(GOOD + "FAKE_MISC=completion-order FAKE_SCORE=7\n"))
        self.assertEqual([m["id"] for m in r["misconceptions"]], ["completion-order"])
        self.assertEqual(r["score"], 7)  # 10 - penalty 3
        r = self.score_json(self.answer(GOOD + "FAKE_MISC_UNQUOTED=completion-order\n", "u.md"))
        self.assertEqual((r["misconceptions"], r["score"]), ([], 10))
        self.assertTrue(r["needs_review"])

    def test_llm_that_gives_no_grade_fails_loudly_unless_fallback_asked(self) -> None:
        self.server.set("malformed")
        p = self.run_score(self.answer(GOOD), "--scorer", "llm", "--json", expect=1)
        self.assertIn("no usable grade", p.stderr)
        self.assertEqual(p.stdout, "")
        r = json.loads(self.run_score(self.answer(GOOD), "--scorer", "llm", "--fallback",
                                      "offline", "--json").stdout)
        self.assertTrue(r["fallback"])
        self.assertTrue(r["needs_review"])

    # -- answers leave the machine only when someone chose that ------------------------------

    def test_remote_llm_needs_an_explicit_choice(self) -> None:
        remote = dict(self.env, PYHARNESS_LLM_BASE_URL="http://192.0.2.1:9/v1",
                      PYHARNESS_LLM_TIMEOUT_S="0.5", PYHARNESS_LLM_MAX_RETRIES="0",
                      PYHARNESS_LLM_CACHE="off")
        p = self.run_score(self.answer(GOOD), "--scorer", "llm", expect=2, env=remote)
        self.assertIn("--allow-remote", p.stderr)
        r = self.score_json(self.answer(GOOD), env=remote)  # auto: offline, and says why
        self.assertEqual(r["scorer"], "offline")
        self.assertIn("PYHARNESS_LLM_ALLOW_REMOTE", r["note"])
        # Only an API key in the environment: nothing leaves the machine.
        only_key = {k: v for k, v in self.env.items() if not k.startswith("PYHARNESS_LLM_")}
        only_key["OPENAI_API_KEY"] = KEY
        self.assertEqual(self.score_json(self.answer(GOOD), env=only_key)["scorer"], "offline")
        # Allowed explicitly, it is tried (and fails: nothing listens there).
        for args, env in ((("--allow-remote",), remote),
                          ((), dict(remote, PYHARNESS_LLM_ALLOW_REMOTE="1"))):
            p = self.run_score(self.answer(GOOD), "--scorer", "llm", *args, expect=1, env=env)
            self.assertIn("no usable grade", p.stderr)
        self.assertEqual(self.server.stats()["requests"], 0)

    def test_cache_folder_works_and_a_bad_cache_is_an_error(self) -> None:
        folder = self.tmp / "cache-dir"
        folder.mkdir()
        env = dict(self.env, PYHARNESS_LLM_CACHE=str(folder))
        f = self.answer(GOOD)
        self.assertFalse(self.score_json(f, env=env)["cached"])
        self.assertTrue(self.score_json(f, env=env)["cached"])
        self.assertTrue((folder / "llm-cache.sqlite3").exists())
        self.assertEqual(self.server.stats()["requests"], 1)
        bad = dict(self.env, PYHARNESS_LLM_CACHE=str(self.tmp / "answer.md" / "x.sqlite3"))
        p = self.run_score(f, expect=2, env=bad)
        self.assertIn("PYHARNESS_LLM_CACHE", p.stderr)
        self.assertEqual(self.server.stats()["requests"], 1)

    # -- usage and input --------------------------------------------------------------------

    def test_bad_input_is_exit_2_naming_the_file(self) -> None:
        cases = {
            "missing": str(self.tmp / "nope.md"),
            "empty": self.answer("  \n", "empty.md"),
            "utf8": self.answer(b"caf\xe9 gather\n", "latin1.md"),  # type: ignore[arg-type]
            "big": self.answer("x" * (64 * 1024 + 1), "big.md"),
        }
        for what, f in cases.items():
            p = self.run_score(f, expect=2)
            self.assertIn(f, p.stderr, what)
        self.assertEqual(self.server.stats()["requests"], 0)
        p = self.run_score(self.answer(GOOD), "--scorer", "maybe", expect=2)
        self.assertIn("--scorer", p.stderr)
        self.run_score(expect=2)
        env = {k: v for k, v in self.env.items() if not k.startswith("PYHARNESS_LLM_")}
        p = self.run_score(self.answer(GOOD), "--scorer", "llm", expect=2, env=env)
        self.assertIn("no LLM is configured", p.stderr)

    # -- what a learner sees while the LLM is waited for ---------------------------------------

    def test_retries_are_plain_lines_on_stderr_off_a_terminal(self) -> None:
        # score and run both say what the scorer waits for; stdout keeps the result alone.
        self.server.set("500", fail_times=2)
        env = dict(self.env, PYHARNESS_LLM_MAX_RETRIES="3")
        p = self.run_score(self.answer(GOOD), "--json", env=env)
        json.loads(p.stdout)
        self.assertRegex(p.stderr, r"LLM: HTTP 500[^\n]*; retry 1 of 3 in [0-9.]+ s\n")
        self.assertRegex(p.stderr, r"LLM: HTTP 500[^\n]*; retry 2 of 3 in [0-9.]+ s\n")
        self.assertNotIn("retry 3 of 3", p.stderr)
        self.assertNotIn("\x1b[", p.stderr)  # no spinner off a terminal
        # A reply that cannot be used is asked again at once, and said so.
        self.server.set("malformed", fail_times=1)
        p = self.run_score(self.answer(GOOD + "That is documented.\n", "again.md"), "--json",
                           env=env)  # another answer: the first one's grade is cached
        self.assertFalse(json.loads(p.stdout)["fallback"])
        self.assertRegex(p.stderr, r"LLM: an unusable reply \([^\n]*\); retry 1 of 1 in 0\.0 s\n")
        self.server.set("500", fail_times=1)
        good = SOURCE / "exercises" / "generators-streaming" / "examples" / "good.py"
        r = subprocess.run([BIN, "run", "generators-streaming", str(good), "--explanation",
                            self.answer(GOOD, "run.md"), "--scorer", "llm", "--json"],
                           env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        check_result(json.loads(r.stdout))
        self.assertEqual(json.loads(r.stdout)["explanation"]["requests"], 2)
        self.assertRegex(r.stderr, r"LLM: HTTP 500[^\n]*; retry 1 of 3 in [0-9.]+ s\n")
        self.assertNotIn(KEY, r.stderr)

    @unittest.skipIf(shutil.which("tmux") is None, "tmux is not installed")
    def test_a_terminal_shows_the_wait_and_each_retry(self) -> None:
        import shlex
        sock = "ph-llm-%d" % os.getpid()
        tmux = lambda *a: subprocess.run(["tmux", "-L", sock, *a], check=True,
                                         capture_output=True, text=True).stdout
        self.addCleanup(subprocess.run, ["tmux", "-L", sock, "kill-server"], capture_output=True)
        # Each request takes 1.5 s: long enough to read the spinner off the screen.
        self.server.set("500", delay=1.5, fail_times=1)
        envs = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in self.env.items()
                        if k.startswith(("PYHARNESS_LLM", "XDG_", "NO_PROXY", "no_proxy")))
        tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "120", "-y", "40",
             "env", "TERM=xterm-256color", "bash", "--norc", "--noprofile")
        line = "env %s PYHARNESS_LLM_MAX_RETRIES=2 %s score %s %s; echo END\"\"-score" % (
            envs, shlex.quote(BIN), shlex.quote(str(self.exercise)),
            shlex.quote(self.answer(GOOD)))
        tmux("send-keys", "-t", "t", line, "Enter")
        seen, end = [], time.monotonic() + 120
        while time.monotonic() < end:
            screen = tmux("capture-pane", "-p", "-t", "t")
            seen.append(screen)
            if "END-score" in screen:
                break
            time.sleep(0.05)
        everything = "\n".join(seen)
        self.assertIn("END-score", seen[-1], seen[-1])
        # The spinner while the first request hangs, with the time spent waiting...
        self.assertRegex(everything, r"[|/\\-] waiting for the model's answer\s+[0-9.]+ (ms|s)")
        # ...the retry, kept on screen, and the spinner gone once the grade is in.
        self.assertRegex(seen[-1], r"LLM: HTTP 500[^\n]*; retry 1 of 2 in [0-9.]+ s")
        self.assertNotIn("waiting for the model", seen[-1])
        self.assertIn("10.0/10", seen[-1])


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class LocalServers(unittest.TestCase):
    """Ollama's and llama.cpp server's OpenAI-compatible endpoints, reproduced by
    the fake with --flavour: their structured-output parameters and replies."""

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ph-score-local-"))
        self.exercise = make_exercise(self.tmp)
        (self.tmp / "a.md").write_text(GOOD)
        self.servers: list[FakeServer] = []

    def tearDown(self) -> None:
        for s in self.servers:
            s.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self, provider: str, url: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYHARNESS_LLM", "OPENAI_", "ANTHROPIC_"))}
        env.update({"PYHARNESS_LLM_PROVIDER": provider, "PYHARNESS_LLM_BASE_URL": url + "/v1",
                    "PYHARNESS_LLM_MODEL": "local-1", "PYHARNESS_LLM_CACHE": "off",
                    "OPENAI_API_KEY": KEY,  # a vendor's key is never sent to a local server
                    "XDG_CONFIG_HOME": str(self.tmp / "config"),
                    "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
        return env

    def score(self, provider: str, flavour: str, expect: int = 0) -> Any:
        srv = FakeServer("--flavour", flavour)
        self.servers.append(srv)
        p = subprocess.run([BIN, "score", str(self.exercise), str(self.tmp / "a.md"), "--json",
                            "--scorer", "llm"], env=self.env(provider, srv.url),
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, expect, p.stderr)
        self.assertNotIn(KEY, p.stdout + p.stderr)
        return srv, (json.loads(p.stdout) if expect == 0 else p.stderr)

    def test_ollama(self) -> None:
        srv, r = self.score("ollama", "ollama")
        self.assertEqual((r["scorer"], r["score"], r["fallback"]), ("ollama:local-1", 10, False))
        s = srv.stats()
        self.assertEqual((s["paths"], s["auth_missing"]), ({"/v1/chat/completions": 1}, 1))

    def test_llamacpp(self) -> None:
        srv, r = self.score("llamacpp", "llamacpp")
        self.assertEqual((r["scorer"], r["score"]), ("llamacpp:local-1", 10))
        self.assertEqual(srv.stats()["auth_missing"], 1)

    def test_calibrate_with_a_local_llm(self) -> None:
        srv = FakeServer("--flavour", "ollama")
        self.servers.append(srv)
        graded = self.tmp / "graded.jsonl"
        rows = [(GOOD, 9), (GOOD + "FAKE_CREDIT=0.2 FAKE_SCORE=2\n", 2),
                (GOOD + "FAKE_CREDIT=0.6 FAKE_SCORE=6\n", 6)]
        graded.write_text("".join(json.dumps({"question": str(self.exercise), "answer": a,
                                              "grade": g}) + "\n" for a, g in rows))
        p = subprocess.run([BIN, "calibrate", str(graded), "--scorer", "llm", "--json"],
                           env=self.env("ollama", srv.url), capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = json.loads(p.stdout)
        self.assertEqual(r["scorer"], "ollama:local-1")
        self.assertEqual([a["score"] for a in r["answers"]], [10, 2, 6])
        self.assertEqual(r["overall"]["spearman"], 1.0)
        self.assertEqual(srv.stats()["requests"], 3)
        # An answer the LLM cannot grade: a loud failure, or offline when asked.
        with graded.open("a") as f:
            f.write(json.dumps({"question": str(self.exercise), "grade": 5,
                                "answer": GOOD + "FAKE_MODE=malformed\n"}) + "\n")
        env = dict(self.env("ollama", srv.url), PYHARNESS_LLM_MAX_RETRIES="0")
        p = subprocess.run([BIN, "calibrate", str(graded), "--scorer", "llm"], env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("%s:4" % graded, p.stderr)
        self.assertIn("no usable grade", p.stderr)
        p = subprocess.run([BIN, "calibrate", str(graded), "--scorer", "llm", "--fallback",
                            "offline", "--json"], env=env, capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["fallback"], 1)

    def test_the_wrong_structured_output_shape_is_refused(self) -> None:
        # llama.cpp's json_object form sent to a server that wants json_schema.
        srv, err = self.score("llamacpp", "ollama", expect=1)
        self.assertIn("no usable grade", err)
        self.assertIn("400", err)


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class RunWithFakeLLM(unittest.TestCase):
    """`pyharness run --explanation` with the LLM scorer: a real exercise graded
    (its reference solution, which passes), the explanation sent to the fake
    provider; when the LLM is down, `--fallback offline` lets the offline
    scorer stand in and the report says which scorer scored."""

    EXERCISE = SOURCE / "exercises" / "generators-streaming"
    ANSWER = ("A generator is a function with yield: each next() runs it to the next yield and "
              "pauses there, so values come one at a time and memory does not grow with the "
              "input, which lets a pipeline stream a large file line by line.\n")

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ph-run-llm-"))
        (self.tmp / "answer.md").write_text(self.ANSWER)
        self.servers: list[FakeServer] = []

    def tearDown(self) -> None:
        for s in self.servers:
            s.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self, url: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYHARNESS_LLM", "OPENAI_", "ANTHROPIC_"))}
        env.update({"PYHARNESS_LLM_BASE_URL": url + "/v1", "PYHARNESS_LLM_API_KEY": KEY,
                    "PYHARNESS_LLM_MODEL": "fake-1", "PYHARNESS_LLM_CACHE": "off",
                    "PYHARNESS_LLM_TIMEOUT_S": "10", "PYHARNESS_LLM_MAX_RETRIES": "0",
                    "XDG_CONFIG_HOME": str(self.tmp / "config"),
                    "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
        return env

    def down_url(self) -> str:
        """A loopback port nothing listens on: the LLM is down."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return "http://127.0.0.1:%d" % s.getsockname()[1]

    def run_(self, url: str, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        p = subprocess.run([BIN, "run", str(self.EXERCISE),
                            str(self.EXERCISE / "reference.py"), "--explanation",
                            str(self.tmp / "answer.md"), "--scorer", "llm", "--quiet", *args],
                           env=self.env(url), capture_output=True, text=True, timeout=600)
        self.assertNotIn(KEY, p.stdout + p.stderr)
        self.assertEqual(p.returncode, expect, "stdout: %s\nstderr: %s" % (p.stdout, p.stderr))
        if "--json" in args and p.stdout.strip():
            check_result(json.loads(p.stdout))  # a result with an LLM's explanation in it
        return p

    def test_llm_up_scores_with_the_llm(self) -> None:
        srv = FakeServer()
        self.servers.append(srv)
        e = json.loads(self.run_(srv.url, "--json", "--fallback", "offline").stdout)["explanation"]
        self.assertEqual((e["scorer"], e["fallback"], e["score"]), ("openai:fake-1", False, 10))
        self.assertEqual(srv.stats()["requests"], 1)

    def test_llm_down_fails_before_grading_unless_fallback_asked(self) -> None:
        url = self.down_url()
        p = self.run_(url, "--json", expect=1)
        self.assertIn("no usable grade", p.stderr)
        self.assertIn("--fallback offline", p.stderr)
        self.assertEqual(p.stdout, "")  # nothing graded, no result printed
        r = json.loads(self.run_(url, "--json", "--fallback", "offline").stdout)
        e = r["explanation"]
        self.assertEqual(r["verdict"], "passed")
        self.assertEqual((e["scorer"], e["fallback"], e["needs_review"]), ("offline", True, True))
        self.assertIn("no usable grade", e["review_reason"])
        self.assertGreater(e["score"], 0)
        text = self.run_(url, "--fallback", "offline").stdout
        self.assertIn("(scorer: offline, LLM unavailable: offline scorer stood in)", text)

    def test_a_server_error_falls_back_too(self) -> None:
        srv = FakeServer("--mode", "500")
        self.servers.append(srv)
        self.run_(srv.url, expect=1)
        e = json.loads(self.run_(srv.url, "--json", "--fallback", "offline").stdout)["explanation"]
        self.assertEqual((e["scorer"], e["fallback"]), ("offline", True))

    def test_only_offline_is_a_fallback(self) -> None:
        p = self.run_(self.down_url(), "--fallback", "llm", expect=2)
        self.assertIn("--fallback llm", p.stderr)


if __name__ == "__main__":
    unittest.main()
