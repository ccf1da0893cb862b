"""What the run's processes cannot take out of its figures, and what its
check runner is left with (issue 10).

- CPU of a child the kernel reaps itself (its parent ignores SIGCHLD) is in
  no rusage and gone from /proc once it ends; the run's cgroup counts it
  (harness/sandbox/sandbox_cgroup.c).  Skipped where `pyharness doctor`
  shows no `cgroupcpu` layer.
- The check runner, root and the host's uid, keeps only the capabilities it
  uses to observe the worker (SANDBOX_RUNNER_CAPS in sandbox_enter.h), its
  bounding set cleared of the rest, in a UTS namespace of its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile

from phtest import FIXTURES, SUBS, HarnessTest, run

# CAP_DAC_OVERRIDE, CAP_KILL, CAP_SYS_PTRACE (sandbox_enter.h).
RUNNER_CAPS = (1 << 1) | (1 << 5) | (1 << 19)


def cgroup_possible() -> bool:
    """Whether this process can make a cgroup that counts CPU, as the
    harness's probe does (sandbox_cgroup.c): a v1 cpuacct or a v2 one."""
    for root in ("/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"):
        if not os.path.exists(os.path.join(root, "cpuacct.usage")) and \
                not os.path.exists(os.path.join(root, "cgroup.controllers")):
            continue
        probe = os.path.join(root, f"pyharness-test-{os.getpid()}")
        try:
            os.mkdir(probe)
        except OSError:
            return False
        os.rmdir(probe)
        return True
    return False


def mini_with(d: str, name: str, check: dict, code: str) -> str:
    """The mini exercise in `d` with one more check (`code` appended to its
    checks.py)."""
    ex = os.path.join(d, name)
    shutil.copytree(FIXTURES / "exercises" / "mini", ex)
    doc = json.loads((FIXTURES / "exercises/mini/exercise.json").read_text())
    doc["id"] = name
    doc["checks"].append(check)
    with open(os.path.join(ex, "exercise.json"), "w") as f:
        json.dump(doc, f)
    with open(os.path.join(ex, "checks.py"), "a") as f:
        f.write(code)
    return ex


class RunAccountTests(HarnessTest):
    def test_autoreaped_child_cpu_is_counted(self):
        if not cgroup_possible() or os.environ.get("PYHARNESS_TEST_NO_CGROUP") == "1":
            self.skipTest("no cgroup that counts CPU can be made here (pyharness doctor)")
        with tempfile.TemporaryDirectory() as d:
            ex = mini_with(d, "mini-autoreap",
                           {"name": "reap", "weight": 1, "timeout_s": 30, "compare": "none",
                            "rules": [{"left": "cand.measure.reap.wall_ns", "op": "ge",
                                       "right": 0}]},
                           "\n\ndef check_reap(sub, h):\n"
                           "    if not hasattr(sub, 'burn_in_autoreaped_child'):\n"
                           "        return 0\n"
                           "    return h.measure('reap', sub.burn_in_autoreaped_child)\n")
            res = run("run", ex, str(SUBS / "autoreap_burn.py"), "--json")
            self.assertIsNotNone(res.json, res.stderr)
            m = res.test("reap")["measures"]["reap"]
            # CPU time, not a share of the wall time: 3e6 loop iterations
            # cost well over 0.1 s anywhere, and an uncounted child leaves
            # almost nothing (the worker only polls, asleep).
            self.assertGreater(m["run_cpu_ns"], 100_000_000, m)
            self.assertGreater(m["children_cpu_ns"], 2 * m["cpu_ns"], m)

    def test_runner_keeps_only_its_capabilities(self):
        code = ("\n\ndef check_caps(sub, h):\n"
                "    import os\n"
                "    if not hasattr(sub, 'burn_in_autoreaped_child'):\n"
                "        return 0  # the reference: no probe\n"
                "    st = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read()"
                ".splitlines() if ':\\t' in l)\n"
                "    raise RuntimeError('probe eff=%s prm=%s bnd=%s amb=%s uts=%s' % (\n"
                "        st['CapEff'].strip(), st['CapPrm'].strip(), st['CapBnd'].strip(),\n"
                "        st.get('CapAmb', '0').strip(), os.readlink('/proc/self/ns/uts')))\n")
        with tempfile.TemporaryDirectory() as d:
            ex = mini_with(d, "mini-caps",
                           {"name": "caps", "weight": 1, "timeout_s": 10},
                           code)
            # The probe runs for this submission only (the reference has
            # no burn_in_autoreaped_child), and reports through its error.
            res = run("run", ex, str(SUBS / "autoreap_burn.py"), "--json")
            self.assertIsNotNone(res.json, res.stderr)
            msg = res.test("caps")["message"]
            found = re.search(r"probe eff=(\w+) prm=(\w+) bnd=(\w+) amb=(\w+) uts=(\S+?)['\s]",
                              msg + " ")
            self.assertIsNotNone(found, msg)
            eff, prm, bnd, amb = (int(found.group(i), 16) for i in range(1, 5))
            self.assertEqual(eff & ~RUNNER_CAPS, 0, f"runner CapEff {eff:#x}")
            self.assertEqual(prm & ~RUNNER_CAPS, 0, f"runner CapPrm {prm:#x}")
            self.assertEqual(amb, 0)
            if os.geteuid() == 0:
                # Root can clear the bounding set: nothing outside the set
                # comes back through an exec.
                self.assertEqual(bnd & ~RUNNER_CAPS, 0, f"runner CapBnd {bnd:#x}")
                self.assertNotEqual(found.group(5), os.readlink("/proc/self/ns/uts"),
                                    "the runner shares the machine's UTS namespace")
