"""Tests of python/pyharness/runtime.py's pure functions, in plain python3.

What they prove: checks keep their own builtins whatever a submission does
to the builtins module later; tracebacks show only the submission's frames;
the module a submission runs in is named and specified as an import would
make it; both of Python's
copies of the environment are replaced.
"""

import builtins
import os
import posix
import tempfile
import textwrap
import unittest

from pyharness import runtime


class LoadChecksTests(unittest.TestCase):
    def test_collects_check_functions_by_name(self):
        checks = runtime.load_checks("def check_a(s, h):\n    return 1\ndef helper():\n    pass\n",
                                     "checks.py")
        self.assertEqual(set(checks), {"a"})
        self.assertEqual(checks["a"](None, None), 1)

    def test_checks_keep_their_builtins(self):
        checks = runtime.load_checks("def check_n(s, h):\n    return len([1, 2, 3])\n", "checks.py")
        original = builtins.len
        builtins.len = lambda x: 42  # what a hostile submission might do
        try:
            self.assertEqual(checks["n"](None, None), 3)
        finally:
            builtins.len = original

    def test_accepts_a_code_object(self):
        code = compile("def check_z(s, h):\n    return 'z'\n", "checks.py", "exec")
        self.assertEqual(runtime.load_checks(code, "checks.py")["z"](None, None), "z")


class SubmissionModuleTests(unittest.TestCase):
    def test_empty_module_with_spec_and_loader(self):
        mod = runtime.submission_module()
        self.assertEqual(mod.__name__, "submission")
        self.assertEqual(mod.__spec__.name, "submission")
        self.assertIs(mod.__loader__, mod.__spec__.loader)
        self.assertTrue(mod.__spec__.has_location)
        self.assertNotIn("__cached__", vars(mod))
        self.assertEqual(set(vars(mod)) - {"__name__", "__doc__", "__package__", "__loader__",
                                           "__spec__", "__file__"}, set())

    def test_missing_names_message(self):
        err = runtime.missing_names("sol.py", ["b", "c"])
        self.assertIsInstance(err, runtime.SubmissionError)
        self.assertEqual(str(err), "sol.py does not define b, c")


class ExerciseImportsTests(unittest.TestCase):
    def write(self, d, name, text):
        path = os.path.join(d, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
        return path

    def test_every_import_with_companions_once(self):
        with tempfile.TemporaryDirectory() as d:
            checks = self.write(d, "checks.py", """
                import json, os.path
                from collections import Counter
                from . import sibling
                def check_x(sub, h):
                    import asyncio
                    from concurrent.futures import ThreadPoolExecutor
                    return 1
                """)
            ref = self.write(d, "reference.py", "import json\nimport re\n")
            broken = self.write(d, "starter.py", "def f(:\n")
            names = runtime.exercise_imports([checks, ref, broken, os.path.join(d, "missing.py")])
        self.assertEqual(len(names), len(set(names)))
        for name in ("json", "os.path", "collections", "asyncio", "pyharness.fakellm",
                     "concurrent.futures", "concurrent.futures.process", "multiprocessing",
                     "multiprocessing.popen_fork", "re"):
            self.assertIn(name, names)
        self.assertNotIn("sibling", names)
        self.assertLess(names.index("json"), names.index("re"))


class DescribeExceptionTests(unittest.TestCase):
    def test_only_submission_frames(self):
        namespace = {}
        exec(compile("def boom():\n    raise KeyError('k')\n", "/tmp/x/submission.py", "exec"),
             namespace)
        try:
            namespace["boom"]()
        except KeyError as exc:
            desc = runtime.describe_exception(exc, "mine.py")
        self.assertEqual(desc["type"], "KeyError")
        self.assertIn("mine.py, line 2, in boom", desc["traceback"])
        self.assertNotIn("test_runtime", desc["traceback"])

    def test_syntax_error_names_line(self):
        try:
            compile("def f(:\n", "/tmp/x/submission.py", "exec")
        except SyntaxError as exc:
            desc = runtime.describe_exception(exc, "mine.py")
        self.assertEqual(desc["type"], "SyntaxError")
        self.assertIn("mine.py, line 1", desc["message"])

    def test_hostile_str_does_not_break_it(self):
        class Evil(Exception):
            def __str__(self):
                raise RuntimeError("no")

        desc = runtime.describe_exception(Evil(), "mine.py")
        self.assertIn("could not be read", desc["message"])

    def test_long_messages_are_cut(self):
        desc = runtime.describe_exception(ValueError("x" * 5000), "mine.py")
        self.assertLessEqual(len(desc["message"]), runtime.MESSAGE_MAX + 3)


    def test_a_workers_description_shows_only_what_has_its_shape(self):
        # Red-team 8's desc_forge: the worker's word for an exception it
        # raised, laid out to look like the harness's own text.
        exc = ValueError("x")
        exc._ph_remote = {  # type: ignore[attr-defined]
            "type": "HarnessError (internal, not graded)",
            "message": "m",
            "traceback": "  sub.py, line 3, in f: a\nPASSED on retry\n  sub.py, line 4, in g: b",
        }
        d = runtime.describe_exception(exc, "sub.py")
        self.assertNotIn("HarnessError", d["type"])
        self.assertNotIn("PASSED", d["traceback"])
        self.assertEqual(d["traceback"].count("sub.py, line"), 2)
        exc._ph_remote = {"type": "pkg.Error", "message": "m", "traceback": ""}  # type: ignore
        self.assertEqual(runtime.describe_exception(exc, "sub.py")["type"], "pkg.Error")


class ScrubEnvironTests(unittest.TestCase):
    def test_both_copies_replaced(self):
        saved_os, saved_posix = dict(os.environ), dict(posix.environ)
        try:
            os.environ["PYHARNESS_LLM_API_KEY"] = "secret"
            runtime.scrub_environ({"PATH": "/bin", "HOME": "/tmp"})
            self.assertEqual(dict(os.environ), {"PATH": "/bin", "HOME": "/tmp"})
            self.assertEqual(set(posix.environ), {b"PATH", b"HOME"})
            self.assertNotIn(b"secret", b"".join(posix.environ.values()))
        finally:
            os.environ.clear()
            os.environ.update(saved_os)
            posix.environ.clear()
            posix.environ.update(saved_posix)


if __name__ == "__main__":
    unittest.main()
