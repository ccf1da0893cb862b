"""A result lists the layers that held for its run, not the machine's
(issue 10).

`pyharness doctor` says what the machine offers; a run can still go without
one of those layers when making it fails at run time (the run's cgroup,
`cgroupcpu`; its folder's own tmpfs, `runfs`), and its figures then fall
back (docs/observation.md).  The result's `harness.sandbox` must not claim
them.  A build with PH_TEST_SWITCHES fails them on demand through
PYHARNESS_TEST_FAIL_RUN_LAYERS (harness/sandbox/sandbox_host.c).
"""

from __future__ import annotations

from phtest import FIXTURES, HarnessTest, run

MINI = FIXTURES / "exercises" / "mini"


def doctor() -> tuple[set[str], bool]:
    """The machine's active layers, and whether this build honours the
    test switches."""
    res = run("doctor", "--json")
    layers = set(res.json["active"].split(","))
    switches = any(l["name"] == "noswitch" and not l["active"]
                   for l in res.json.get("integrity", []))
    return layers, switches


class RunLayersTests(HarnessTest):
    def setUp(self) -> None:
        self.machine, switches = doctor()
        if not switches:
            self.skipTest("a build without PH_TEST_SWITCHES")

    def run_layers(self, fail: str) -> set[str]:
        res = run("run", str(MINI), str(MINI / "reference.py"), "--json",
                  env={"PYHARNESS_TEST_FAIL_RUN_LAYERS": fail})
        self.assertVerdict(res, "passed")
        return set(res.json["harness"]["sandbox"].split(","))

    def test_machine_layers_when_all_held(self) -> None:
        self.assertEqual(self.run_layers(""), self.machine)

    def test_failed_cgroup_not_listed(self) -> None:
        if "cgroupcpu" not in self.machine:
            self.skipTest("no cgroupcpu layer here (pyharness doctor)")
        got = self.run_layers("cgroupcpu")
        self.assertNotIn("cgroupcpu", got)
        self.assertEqual(got, self.machine - {"cgroupcpu"})

    def test_failed_runfs_not_listed(self) -> None:
        if "runfs" not in self.machine:
            self.skipTest("no runfs layer here (pyharness doctor)")
        got = self.run_layers("runfs")
        self.assertNotIn("runfs", got)
        self.assertEqual(got, self.machine - {"runfs"})

    def test_both_failed(self) -> None:
        got = self.run_layers("cgroupcpu,runfs")
        self.assertEqual(got, self.machine - {"cgroupcpu", "runfs"})
