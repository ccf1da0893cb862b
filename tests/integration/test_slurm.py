"""The Slurm job-array script on a real, single-node Slurm started for the test.

Debian's slurm-wlm and munge run here without systemd: munged on a socket in a
temporary folder, then slurmctld -D and slurmd -D with a generated slurm.conf
(SlurmUser=root, auth/munge with the socket in AuthInfo, proctrack/linuxproc,
task/none, select/cons_tres, no accounting).  The example class is graded in
4 shards by tools/slurm/grade-array.sh, merged, and compared with a
single-machine run.  Everything started here is stopped here, by pid, after
the jobs are cancelled (jobs outlive the daemons otherwise).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from phtest import BIN, SOURCE, run
from test_grade import CLASS, HOMEWORK, assert_same_grades

SCRIPT = SOURCE / "tools" / "slurm" / "grade-array.sh"
SHARDS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_tools() -> list[str]:
    return [t for t in ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue",
                        "scontrol", "scancel") if shutil.which(t) is None
            and not Path("/usr/sbin", t).exists()]


class SlurmArray(unittest.TestCase):
    def setUp(self):
        missing = missing_tools()
        if missing:
            self.fail("Slurm/munge not installed (tools/install-deps.sh installs slurm-wlm and "
                      "munge): missing " + ", ".join(missing))
        self.tmp = Path(tempfile.mkdtemp(prefix="ph-slurm-"))
        os.chmod(self.tmp, 0o755)  # munge's socket folder must be world-executable
        self.procs: list[subprocess.Popen] = []
        self.env = dict(os.environ, SLURM_CONF=str(self.tmp / "slurm.conf"),
                        PATH=os.environ.get("PATH", "") + ":/usr/sbin")

    def tearDown(self):
        env = self.env
        subprocess.run(["scancel", "--user=root"], env=env, capture_output=True, timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            q = subprocess.run(["squeue", "-h", "-t", "running,pending,completing"], env=env,
                               capture_output=True, text=True, timeout=30)
            if q.returncode != 0 or not q.stdout.strip():
                break
            time.sleep(0.5)
        for p in reversed(self.procs):  # slurmd, slurmctld, munged
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *cmd: str, log: str) -> subprocess.Popen:
        f = open(self.tmp / log, "w")
        p = subprocess.Popen(list(cmd), env=self.env, stdout=f, stderr=subprocess.STDOUT,
                             cwd=self.tmp)
        f.close()
        self.procs.append(p)
        return p

    def slurm_conf(self) -> None:
        host = socket.gethostname()
        t = self.tmp
        (t / "state").mkdir()
        (t / "spool").mkdir()
        (t / "slurm.conf").write_text(f"""ClusterName=phtest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={t}/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation={t}/state
SlurmdSpoolDir={t}/spool
SlurmctldPidFile={t}/slurmctld.pid
SlurmdPidFile={t}/slurmd.pid
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
SlurmctldLogFile={t}/slurmctld.log
SlurmdLogFile={t}/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName={host} CPUs={os.cpu_count() or 1} State=UNKNOWN
PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP
""")

    def wait_for(self, what: str, cond, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return
            time.sleep(0.5)
        logs = "".join(f"\n--- {p.name}\n" + p.read_text()[-1500:]
                       for p in self.tmp.glob("*.log") if p.is_file())
        self.fail(f"timed out waiting for {what}{logs}")

    def test_array_script_in_4_shards_then_merge_equals_a_single_run(self):
        t = self.tmp
        r = subprocess.run(["mungekey", "--create", "--keyfile", str(t / "munge.key")],
                           env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.start("munged", "--force", "--foreground", f"--socket={t}/munge.sock",
                   f"--key-file={t}/munge.key", f"--log-file={t}/munged.log",
                   f"--pid-file={t}/munged.pid", f"--seed-file={t}/munged.seed",
                   log="munged.out")
        self.wait_for("munged", lambda: (t / "munge.sock").exists())
        self.slurm_conf()
        self.start("slurmctld", "-D", "-f", str(t / "slurm.conf"), log="slurmctld.out")
        self.start("slurmd", "-D", "-f", str(t / "slurm.conf"), log="slurmd.out")

        def node_idle():
            r = subprocess.run(["sinfo", "-h", "-o", "%T"], env=self.env, capture_output=True,
                               text=True)
            return r.returncode == 0 and "idle" in r.stdout

        self.wait_for("the node to be idle", node_idle)
        env = dict(self.env, PYHARNESS=BIN)
        r = subprocess.run(["sbatch", "--parsable", "--export=ALL", f"--array=0-{SHARDS - 1}",
                            f"--output={t}/job-%A_%a.out", str(SCRIPT), str(HOMEWORK),
                            str(CLASS), str(t / "results"), "--quiet"],
                           env=env, capture_output=True, text=True, cwd=t)
        self.assertEqual(r.returncode, 0, r.stderr)
        job = r.stdout.strip().split(";")[0]

        def states() -> list[str]:
            q = subprocess.run(["squeue", "-h", "-t", "all", "-j", job, "-o", "%T"],
                               env=self.env, capture_output=True, text=True)
            return q.stdout.split()

        self.wait_for("the array to finish",
                      lambda: len(states()) == SHARDS and all(
                          s in ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL")
                          for s in states()), timeout=400)
        outs = "".join(p.read_text() for p in sorted(t.glob("job-*.out")))
        self.assertEqual(states(), ["COMPLETED"] * SHARDS, outs)
        shards = sorted(str(p) for p in t.glob("results-shard-*"))
        self.assertEqual(len(shards), SHARDS)
        r = run("merge", *shards, "--out", str(t / "merged"))
        self.assertEqual(r.rc, 0, r.stderr)
        r = run("grade", str(HOMEWORK), str(CLASS), "--out", str(t / "single"), "-j", "2",
                "--quiet")
        self.assertEqual(r.rc, 0, r.stderr)
        assert_same_grades(self, t / "single", t / "merged")


if __name__ == "__main__":
    unittest.main()
