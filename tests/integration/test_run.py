"""`pyharness run` end to end on the mini fixture exercise and on real exercises."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from phtest import BIN, MINI, SOURCE, SUBS, FIXTURES, HarnessTest, check_result, run

METRIC_FIELDS = {"wall_ns", "cpu_ns", "py_peak_bytes", "py_allocs", "rss_peak_bytes", "parallelism"}


def _descends_from(pid: int, ancestor: int) -> bool:
    for _ in range(64):
        if pid == ancestor:
            return True
        if pid <= 1:
            return False
        with open(f"/proc/{pid}/stat") as f:
            pid = int(f.read().rsplit(")", 1)[1].split()[1])
    return False


def mini(sub: str, *extra: str):
    return run("run", "mini", str(sub), "--json", *MINI, *extra)


class VerdictTests(HarnessTest):
    def test_good_passes_with_contract_fields(self):
        res = mini(FIXTURES / "exercises/mini/examples/good.py")
        self.assertVerdict(res, "passed", rc=0)
        j = res.json
        for key in ("exercise", "submission", "verdict", "tests", "metrics", "score", "harness"):
            self.assertIn(key, j)
        self.assertEqual(j["exercise"], "mini")
        self.assertTrue(METRIC_FIELDS <= set(j["metrics"]))
        for t in j["tests"]:
            self.assertEqual(t["status"], "passed")
            self.assertTrue(METRIC_FIELDS <= set(t["metrics"]), t)
            self.assertGreater(t["metrics"]["wall_ns"], 0)
        self.assertEqual(set(j["score"]) >= {"correctness", "performance", "explanation", "total", "max"}, True)
        self.assertEqual(j["score"]["max"], 100)
        self.assertIsNone(j["score"]["explanation"])
        self.assertEqual(j["score"]["correctness"], 60)
        self.assertTrue(j["harness"]["python"].startswith("3."))
        self.assertGreater(j["metrics"]["cpu_ns"], 0)
        self.assertGreater(j["metrics"]["rss_peak_bytes"], 1 << 20)

    def test_wrong_answer_fails_with_partial_credit(self):
        res = mini(FIXTURES / "exercises/mini/examples/bad_add.py")
        self.assertVerdict(res, "failed", rc=1)
        self.assertEqual(res.test("add")["status"], "failed")
        self.assertIn("expected 3, got -1", res.test("add")["message"])
        self.assertEqual(res.test("squares")["status"], "passed")
        # Hidden checks never show expected values.
        hidden = res.test("hidden_add")
        self.assertEqual(hidden["status"], "failed")
        self.assertNotIn("expected", hidden["message"].split("wrong result")[1].split(":", 1)[1])
        self.assertAlmostEqual(res.json["score"]["correctness"], 60 * 2 / 5, places=1)

    def test_memory_rule_uses_c_figures(self):
        res = mini(FIXTURES / "exercises/mini/examples/bad_list.py")
        self.assertVerdict(res, "failed", rc=1)
        t = res.test("memory")
        self.assertIn("holds far more memory", t["message"])
        self.assertGreater(t["measures"]["big"]["py_peak_bytes"], 5_000_000)
        self.assertEqual(res.json["score"]["performance"], 0)

    def test_crash_is_named(self):
        res = mini(SUBS / "crash.py")
        self.assertVerdict(res, "crashed", rc=1)
        self.assertIn("SIGSEGV", res.json["detail"])
        self.assertEqual(res.test("add")["status"], "crashed")
        # The checks after the crash ran in a fresh worker: squares is judged.
        self.assertEqual(res.test("squares")["status"], "failed")

    def test_a_hung_check_costs_only_that_check(self):
        res = mini(SUBS / "hang_first.py")
        self.assertVerdict(res, "timeout", rc=1)
        self.assertEqual(res.test("add")["status"], "timeout")
        # The verdict names the line the check was on when it was stopped.
        self.assertIn("hang_first.py line 6 in add", res.test("add")["message"])
        self.assertNotIn("Current thread 0x", res.json["stderr"])
        for name in ("squares", "hidden_add", "memory"):
            self.assertEqual(res.test(name)["status"], "passed", name)
        self.assertGreater(res.json["score"]["correctness"], 0)
        self.assertTrue(res.json["metrics"].get("partial"))

    def test_busy_loop_times_out_per_check(self):
        res = mini(SUBS / "loop.py")
        self.assertVerdict(res, "timeout", rc=1)
        self.assertIn("add", res.json["detail"])
        # `while True: pass` is stopped on either of its two lines.
        self.assertRegex(res.test("add")["message"], r"loop\.py line [23] in add")

    def test_sleep_forever_times_out(self):
        res = mini(SUBS / "sleepy.py")
        self.assertVerdict(res, "timeout", rc=1)

    def test_memory_hog_hits_memory_limit(self):
        res = mini(SUBS / "memhog.py")
        self.assertVerdict(res, "memory_limit", rc=1)

    def test_killed_run_keeps_python_figures_of_finished_checks(self):
        res = mini(SUBS / "late_crash.py")
        self.assertVerdict(res, "crashed", rc=1)
        self.assertEqual(res.test("add")["status"], "passed")
        m = res.json["metrics"]
        self.assertIs(m.get("partial"), True)
        self.assertGreaterEqual(m["py_peak_bytes"], 1_500_000)
        self.assertGreaterEqual(m["py_allocs"], res.test("add")["metrics"]["py_allocs"])
        text = run("run", "mini", str(SUBS / "late_crash.py"), *MINI)
        self.assertIn("python peak at least", text.stdout)
        self.assertNotIn("partial", mini(SUBS.parent / "exercises" / "mini" / "reference.py")
                         .json["metrics"])

    def test_an_exception_message_cannot_pass_for_report_rows(self):
        # Its lines sit behind the gutter the submission's output has.
        text = run("run", "mini", str(SUBS / "fake_rows.py"), *MINI).stdout
        rows = [line for line in text.splitlines() if "PASS add" in line or "Score 100.0" in line]
        self.assertGreaterEqual(len(rows), 2, text)
        for line in rows:
            self.assertTrue(line.startswith("       | "), line)

    def test_output_flood(self):
        res = mini(SUBS / "flood.py")
        self.assertVerdict(res, "output_limit", rc=1)
        self.assertLessEqual(len(res.json["stdout"]), 64 * 1024 + 16)

    def test_exception_in_check_is_error_with_traceback(self):
        res = mini(SUBS / "raises.py")
        self.assertVerdict(res, "error", rc=1)
        msg = res.test("add")["message"]
        self.assertIn("KeyError", msg)
        self.assertIn("raises.py, line 2", msg)
        self.assertNotIn("checks.py", msg)  # hidden checks' code stays hidden

    def test_os_exit_zero_is_never_a_pass(self):
        res = mini(SUBS / "exit0.py")
        self.assertVerdict(res, "error", rc=1)
        self.assertIn("exit status 0", res.json["detail"])

    def test_sys_exit_at_import(self):
        res = mini(SUBS / "sysexit.py")
        self.assertVerdict(res, "error", rc=1)
        self.assertIn("SystemExit", res.json["detail"])

    def test_lying_eq_is_not_equal(self):
        res = mini(SUBS / "eq_liar.py")
        self.assertVerdict(res, "failed", rc=1)
        self.assertIn("type differs", res.test("add")["message"])

    def test_int_and_float_differ(self):
        res = mini(SUBS / "int_vs_float.py")
        self.assertVerdict(res, "failed", rc=1)

    def test_workers_map_no_network_library(self):
        # libcurl (and its TLS, SSH, LDAP dependencies) is loaded only when an
        # LLM is asked, so a worker, a fork of the supervisor, never has it.
        # Read from outside while the worker sleeps at import: the run itself
        # cannot open /proc (Landlock), which the submission reports too.
        if not os.access("/proc/1/maps", os.R_OK):
            self.skipTest("other processes' maps are not readable here")
        with tempfile.TemporaryDirectory() as d:
            sub = os.path.join(d, "maps.py")
            with open(sub, "w") as f:
                f.write("import time\n"
                        "try:\n"
                        "    open('/proc/self/maps').read()\n"
                        "    print('PROC READABLE')\n"
                        "except OSError:\n"
                        "    print('PROC DENIED')\n"
                        "time.sleep(2)\n")
                f.write((FIXTURES / "exercises" / "mini" / "reference.py").read_text())
            proc = subprocess.Popen([BIN, "run", "mini", sub, "--json", *MINI],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            seen: dict[int, str] = {}
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                for pid in os.listdir("/proc"):
                    try:
                        with open(f"/proc/{pid}/comm") as f:
                            if f.read().strip() != "ph-worker":
                                continue
                        if not _descends_from(int(pid), proc.pid):
                            continue  # another run on this machine
                        with open(f"/proc/{pid}/maps") as f:
                            seen[int(pid)] = f.read()
                    except (OSError, ValueError):
                        continue
                time.sleep(0.05)
            out, _ = proc.communicate(timeout=120)
            self.assertTrue(seen, "no worker was seen while it slept")
            for pid, maps in seen.items():
                found = sorted(set(re.findall(r"lib(curl|ssl|gnutls|ssh2|ldap)", maps)))
                self.assertEqual(found, [], f"worker {pid} maps {found}: " + "".join(l for l in maps.splitlines(True) if re.search(r"lib(curl|ssl|gnutls|ssh2|ldap)", l)))
            self.assertIn("PROC DENIED", json.loads(out).get("stdout", ""))

    def test_whole_run_rss_peak_covers_every_check(self):
        # Each check resets VmHWM; the run's peak must still see the 120 MB one.
        res = mini(SUBS / "rss_120mb.py")
        self.assertVerdict(res, "passed", rc=0)
        per_check = max(t["metrics"]["rss_peak_bytes"] for t in res.json["tests"])
        self.assertGreater(per_check, 120 * 2**20)
        self.assertGreaterEqual(res.json["metrics"]["rss_peak_bytes"], per_check)
        self.assertGreater(res.json["metrics"]["py_peak_bytes"], 120 * 2**20)

    def test_forkserver_pool_cpu_is_counted(self):
        # Pool workers forked by multiprocessing's forkserver are reaped by it,
        # not by the worker: their CPU must still reach children_cpu_ns.
        with tempfile.TemporaryDirectory() as d:
            ex = os.path.join(d, "mini-pool")
            shutil.copytree(FIXTURES / "exercises" / "mini", ex)
            doc = json.loads((FIXTURES / "exercises/mini/exercise.json").read_text())
            doc["id"] = "mini-pool"
            doc["checks"].append({"name": "pool", "weight": 1, "timeout_s": 30,
                                  "compare": "none", "rules": [
                                      {"left": "cand.measure.pool.children_cpu_ns", "op": "ge",
                                       "right": 100000000}]})
            with open(os.path.join(ex, "exercise.json"), "w") as f:
                json.dump(doc, f)
            with open(os.path.join(ex, "checks.py"), "a") as f:
                f.write("\n\ndef check_pool(sub, h):\n"
                        "    import pathlib, sys\n"
                        "    pathlib.Path(h.scratch, 'burnmod.py').write_text(\n"
                        "        'def burn(n):\\n    s = 0\\n    for i in range(n):\\n"
                        "        s += i * i\\n    return s\\n')\n"
                        "    sys.path.insert(0, h.scratch)\n"
                        "    if not hasattr(sub, 'burn_in_forkserver_pool'):\n"
                        "        return 0\n"
                        "    return h.measure('pool', sub.burn_in_forkserver_pool)\n")
            res = run("run", ex, str(SUBS / "pool_forkserver.py"), "--json")
            self.assertVerdict(res, "passed", rc=0)
            m = res.test("pool")["measures"]["pool"]
            # CPU time, not a share of the wall time (which load stretches):
            # 4 x 3e6 loop iterations cost well over 0.1 s on any machine, and
            # uncounted grandchildren would leave almost nothing here.
            self.assertGreater(m["children_cpu_ns"], 100_000_000)
            self.assertGreater(m["children_cpu_ns"], 2 * m["cpu_ns"])

    def test_multiprocessing_start_methods(self):
        res = mini(SUBS / "mp_all.py")
        self.assertVerdict(res, "passed", rc=0)


class BadInputTests(HarnessTest):
    def test_syntax_error(self):
        res = mini(SUBS / "syntax.py")
        self.assertVerdict(res, "error", rc=1)
        self.assertIn("SyntaxError", res.json["detail"])
        self.assertIn("line 1", res.json["detail"])

    def test_not_utf8(self):
        res = mini(SUBS / "latin1.py")
        self.assertVerdict(res, "error", rc=1)
        self.assertIn("not valid UTF-8", res.json["detail"])

    def test_null_byte(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "nul.py")
            with open(path, "wb") as f:
                f.write(b"def add(a, b):\n    return a + b\n\0\n")
            res = mini(path)
        self.assertVerdict(res, "error", rc=1)
        self.assertIn("null bytes", res.json["detail"])

    def test_coding_line_is_honoured(self):
        self.assertVerdict(mini(SUBS / "cookie_latin1.py"), "passed", rc=0)

    def test_module_is_what_an_import_makes(self):
        self.assertVerdict(mini(SUBS / "module_identity.py"), "passed", rc=0)

    def test_empty_file(self):
        res = mini(SUBS / "empty.py")
        self.assertVerdict(res, "error", rc=1)
        self.assertIn("does not define add, squares", res.json["detail"])

    def test_file_over_one_mib(self):
        with tempfile.TemporaryDirectory() as d:
            huge = os.path.join(d, "huge.py")
            with open(huge, "w") as f:
                f.write("x = 1\n" + "#" * (1024 * 1024 + 10) + "\n")
            res = mini(huge)
            self.assertVerdict(res, "rejected", rc=1)
            # Byte counts, not "file is 1.0 MiB, the limit is 1.0 MiB".
            self.assertIn("1048593 bytes, 17 over the limit of 1.0 MiB", res.json["detail"])

    def test_missing_file_is_usage_error(self):
        res = run("run", "mini", "/nonexistent/sol.py", *MINI)
        self.assertEqual(res.rc, 2)
        self.assertIn("/nonexistent/sol.py", res.stderr)

    def test_unknown_exercise(self):
        res = run("run", "no-such-exercise", str(SUBS / "empty.py"))
        self.assertEqual(res.rc, 2)
        self.assertIn("no-such-exercise", res.stderr)

    def test_malformed_exercise_json_names_file_and_line(self):
        with tempfile.TemporaryDirectory() as d:
            ex = os.path.join(d, "broken")
            os.mkdir(ex)
            with open(os.path.join(ex, "exercise.json"), "w") as f:
                f.write('{\n "id": "broken",\n "title": "x",\n "topic": oops\n}\n')
            res = run("run", ex, str(SUBS / "empty.py"))
            self.assertEqual(res.rc, 2)
            self.assertIn("exercise.json", res.stderr)
            self.assertIn("line 4", res.stderr)

    def test_bad_rule_path_is_rejected_at_load(self):
        with tempfile.TemporaryDirectory() as d:
            ex = os.path.join(d, "badrule")
            os.mkdir(ex)
            doc = json.loads((FIXTURES / "exercises/mini/exercise.json").read_text())
            doc["id"] = "badrule"
            doc["checks"][3]["rules"][0]["left"] = "candidate.measure.big.py_peak_bytes"
            with open(os.path.join(ex, "exercise.json"), "w") as f:
                json.dump(doc, f)
            res = run("run", ex, str(SUBS / "empty.py"))
            self.assertEqual(res.rc, 2)
            self.assertIn('checks[3].rules[0].left', res.stderr)

    def test_checks_py_failing_at_load_names_file_and_error(self):
        with tempfile.TemporaryDirectory() as d:
            ex = os.path.join(d, "mini")
            shutil.copytree(FIXTURES / "exercises" / "mini", ex)
            with open(os.path.join(ex, "checks.py"), "a") as f:
                f.write("\nundefined_at_load + 1\n")
            res = run("run", ex, str(FIXTURES / "exercises" / "mini" / "reference.py"))
            self.assertEqual(res.rc, 2, res.stderr)
            self.assertIn("checks.py failed to load: NameError", res.stderr)
            self.assertIn("undefined_at_load", res.stderr)

    def test_out_file_written(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "result.json")
            res = run("run", "mini", str(FIXTURES / "exercises/mini/examples/good.py"), *MINI,
                      "--out", out)
            self.assertEqual(res.rc, 0)
            self.assertIn("passed", res.stdout)  # text report still on the terminal
            with open(out) as f:
                doc = json.load(f)
            check_result(doc)
            self.assertEqual(doc["verdict"], "passed")


class ResultTests(HarnessTest):
    """A result is self-contained: it renders the same from its JSON and from the store."""

    def round_trip(self, sub, *extra):
        with tempfile.TemporaryDirectory() as d:
            out, db = os.path.join(d, "r.json"), os.path.join(d, "runs.sqlite3")
            first = run("run", "mini", str(sub), *MINI, "--out", out, "--store", db, *extra)
            self.assertIn(first.rc, (0, 1), first.stderr)
            with open(out) as f:
                text = f.read()
            check_result(json.loads(text))
            again = run("show", "--store", db, "--id", "1", "--json")
            self.assertEqual(again.rc, first.rc, again.stderr)
            self.assertEqual(again.stdout, text)  # render -> store -> load -> render
            from_file = run("show", out, "--json")
            self.assertEqual(from_file.stdout, text)
            shown = run("show", out)  # the terminal report, from the result alone
            self.assertEqual(shown.stdout, first.stdout)
            return json.loads(text)

    def test_a_passing_result_round_trips_byte_for_byte(self):
        doc = self.round_trip(FIXTURES / "exercises/mini/examples/good.py")
        self.assertEqual(doc["format"], 1)
        self.assertEqual(len(doc["submission_sha256"]), 64)
        self.assertEqual(len(doc["exercise_sha256"]), 64)
        self.assertIsNotNone(doc["performance"]["num"])

    def test_a_failed_run_with_partial_figures_round_trips(self):
        doc = self.round_trip(SUBS / "crash.py")
        self.assertEqual(doc["verdict"], "crashed")

    def test_the_engine_records_each_result_in_the_store_it_was_given(self):
        """`run --store` hands the store to the engine, which records the
        result as it hands it over: a second run is the next row, and a store
        that cannot be opened is refused before anything is graded."""
        good = FIXTURES / "exercises/mini/examples/good.py"
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "runs.sqlite3")
            for n in (1, 2):
                r = run("run", "mini", str(good), *MINI, "--store", db)
                self.assertEqual(r.rc, 0, r.stderr)
                self.assertIn(f"recorded as run {n} in {db}", r.stderr)
            shown = run("show", "--store", db, "--id", "2", "--json")
            self.assertEqual(shown.rc, 0, shown.stderr)
            self.assertEqual(shown.json["verdict"], "passed")
            with open(os.path.join(d, "a-file"), "w") as f:
                f.write("not a folder\n")
            bad = run("run", "mini", str(good), *MINI, "--store",
                      os.path.join(d, "a-file", "runs.sqlite3"))
            self.assertNotIn(bad.rc, (0, 1), bad.stderr)
            self.assertIn("a-file", bad.stderr)
            self.assertNotIn("grading", bad.stderr)

    def test_the_submission_hash_is_of_the_bytes_graded(self):
        import hashlib
        sub = FIXTURES / "exercises/mini/examples/good.py"
        res = run("run", "mini", str(sub), *MINI, "--json")
        self.assertEqual(res.json["submission_sha256"], hashlib.sha256(sub.read_bytes()).hexdigest())

    def test_a_result_of_another_format_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "r.json")
            with open(path, "w") as f:
                json.dump({"format": 99, "verdict": "passed"}, f)
            res = run("show", path)
            self.assertEqual(res.rc, 2)
            self.assertIn("format", res.stderr)


class EngineTests(HarnessTest):
    def test_validate_runs_the_reference_whole_once_per_exercise(self):
        # reference.py, starter.py and three examples go through one engine: the
        # reference's observations come from the cache; only its check whose
        # rules read ref.measure figures (memory) runs again beside each one.
        res = run("validate", "mini", *MINI, "--engine-stats")
        # The fixture has no question or rubric: that one line fails, the runs pass.
        self.assertEqual(res.rc, 1, res.stdout + res.stderr)
        self.assertEqual(res.stdout.count("FAIL"), 1, res.stdout)
        self.assertIn("engine: 5 submissions, reference runs 1 whole + 4 timed-only", res.stdout)
        self.assertIn("1 hosts", res.stdout)


class RuleErrorTests(HarnessTest):
    """A typo in a rule is an exercise error at load: exit 2 naming the field."""

    def broken_exercise(self, d, mutate):
        ex = os.path.join(d, "mini-typo")
        shutil.copytree(FIXTURES / "exercises" / "mini", ex)
        doc = json.loads((FIXTURES / "exercises/mini/exercise.json").read_text())
        doc["id"] = "mini-typo"
        mutate(doc)
        with open(os.path.join(ex, "exercise.json"), "w") as f:
            json.dump(doc, f)
        return ex

    def check_refused(self, mutate, field):
        with tempfile.TemporaryDirectory() as d:
            ex = self.broken_exercise(d, mutate)
            sub = str(FIXTURES / "exercises/mini/examples/good.py")
            for res in (run("run", ex, sub), run("validate", ex)):
                self.assertEqual(res.rc, 2, res.stdout + res.stderr)
                self.assertIn(field, res.stdout + res.stderr)

    def test_a_figure_path_typo(self):
        def m(doc):
            doc["checks"][3]["rules"][0]["left"] = "cand.mesure.big.py_peak_bytes"
        self.check_refused(m, 'checks[3].rules[0].left: unknown figure "mesure"')

    def test_an_op_typo(self):
        def m(doc):
            doc["checks"][3]["rules"][0]["op"] = "lte"
        self.check_refused(m, 'checks[3].rules[0].op: unknown op "lte"')

    def test_a_lesson_placeholder_typo(self):
        def m(doc):
            doc["checks"][3]["lesson"] = "peak {cand.measure.big.py_peak_bytes:byte}"
        self.check_refused(m, 'checks[3].lesson: unknown unit "byte"')


class ListTests(HarnessTest):
    def test_list_text_and_json(self):
        res = run("list")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertIn("generators-streaming", res.stdout)
        res = run("list", "--json")
        ids = [e["id"] for e in json.loads(res.stdout)]
        self.assertIn("generators-streaming", ids)

    def test_exercises_adds_a_bank_to_the_builtin_one(self):
        res = run("list", *MINI)
        ids = [line.split()[0] for line in res.stdout.splitlines()]
        self.assertIn("mini", ids)
        self.assertIn("generators-streaming", ids)


if __name__ == "__main__":
    unittest.main()
