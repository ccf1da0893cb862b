"""Every exercise of the bank declares sized workloads that `pyharness
compare` can read: a literal WORKLOADS with sizes, a unit and a clock, and a
workload_<name>(sub, h, n) function for each; load_workloads turns them into
checks named "workload:<name>" that time the callable they return."""

from __future__ import annotations

import json
import os
import unittest
from pathlib import Path

from pyharness import runtime

SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", str(Path(__file__).resolve().parents[2])))
EXERCISES = sorted(p for p in (SOURCE / "exercises").iterdir() if (p / "exercise.json").is_file())


class FakeHarness:
    def __init__(self, params: dict) -> None:
        self.params = params
        self.measured: list[str] = []

    def measure(self, label, fn):
        self.measured.append(label)
        return fn()


class WorkloadsTest(unittest.TestCase):
    def test_every_exercise_declares_a_workload(self) -> None:
        self.assertEqual(len(EXERCISES), 8)
        for ex in EXERCISES:
            with self.subTest(ex.name):
                decl = json.loads(runtime.read_workloads(str(ex / "workloads.py")))
                self.assertGreaterEqual(len(decl), 1)
                for name, w in decl.items():
                    self.assertTrue(name.isidentifier())
                    self.assertGreaterEqual(len(w["sizes"]), 3, "a growth fit needs 3 sizes")
                    self.assertTrue(w["unit"])
                    self.assertIn(w.get("clock", "wall"), ("cpu", "wall"))

    def test_a_declaration_without_its_function_is_refused(self) -> None:
        path = Path(self.id().replace(".", "_") + ".py")
        path.write_text('WORKLOADS = {"x": {"sizes": [1], "unit": "items"}}\n', encoding="utf-8")
        try:
            with self.assertRaisesRegex(ValueError, r"workload_x\(sub, h, n\)"):
                runtime.read_workloads(str(path))
        finally:
            path.unlink()

    def test_load_workloads_times_the_returned_callable(self) -> None:
        calls = []
        src = "def workload_w(sub, h, n):\n    data = list(range(n))\n    return lambda: sub(data)\n"
        checks: dict = {}
        runtime.load_workloads(src, "workloads.py", checks)
        self.assertEqual(list(checks), ["workload:w"])
        h = FakeHarness({"n": 5, "loops": 4, "warmup": 1, "values": 3})
        obs = checks["workload:w"](lambda d: calls.append(len(d)), h)
        self.assertEqual(h.measured, ["v0", "v1", "v2"])
        self.assertEqual(calls, [5] * (1 + 3 * 4), "one warm-up, then values x loops calls")
        self.assertEqual(len(obs["thread_cpu_ns"]), 3)


if __name__ == "__main__":
    unittest.main()
