"""The attack corpus (tests/attacks/) through `pyharness run --json`.

For every submission in tests/attacks/manifest.json this asserts what issue 4
asks: the verdict is one of the expected ones and never "passed"; the host
exits 0 or 1 (never 2/3, never by a signal); no process of the run survives
it; no file appears outside the scratch folder; the loopback listener this
test opens receives no connection; and the canary secret put in the host's
environment appears nowhere in stdout, stderr or the JSON.

Environment: PYHARNESS_BIN (the host binary), PYHARNESS_SOURCE (the source
tree); PYHARNESS_ATTACKS=name,name runs a subset.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from phtest import check_result

SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", Path(__file__).resolve().parents[2]))
BIN = os.environ.get("PYHARNESS_BIN", str(SOURCE / "build" / "pyharness"))
ATTACKS = SOURCE / "tests" / "attacks"
MANIFEST = json.loads((ATTACKS / "manifest.json").read_text())
PORTS = range(47123, 47131)  # the attacks try these; see socket_loopback.py
HOST_TIMEOUT_S = 180


def _processes_mentioning(needle: str) -> list[tuple[int, str]]:
    """Live (non-zombie) processes whose command line contains `needle`."""
    found = []
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")
            state = next((line for line in Path(f"/proc/{entry}/status").read_text().splitlines()
                          if line.startswith("State:")), "")
        except OSError:
            continue
        if needle in cmdline and "Z" not in state.split(":", 1)[-1][:3]:
            found.append((int(entry), cmdline))
    return found


def _listeners() -> list[socket.socket]:
    socks = []
    for port in PORTS:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        s.listen(8)
        s.setblocking(False)
        socks.append(s)
    return socks


def _exercises_with_limits(exercise: str, limits: dict) -> tempfile.TemporaryDirectory:
    """A private copy of the exercise bank with tighter limits for one exercise."""
    tmp = tempfile.TemporaryDirectory(prefix="ph-attack-ex-")
    src = SOURCE / "exercises" / exercise
    dst = Path(tmp.name) / exercise
    shutil.copytree(src, dst)
    spec = json.loads((dst / "exercise.json").read_text())
    spec.setdefault("limits", {}).update(limits)
    (dst / "exercise.json").write_text(json.dumps(spec, indent=2))
    return tmp


class AttackCorpus(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls) -> None:
        if not os.access(BIN, os.X_OK):
            raise unittest.SkipTest(f"no host binary at {BIN}")
        cls.listeners = _listeners()

    @classmethod
    def tearDownClass(cls) -> None:
        for s in getattr(cls, "listeners", []):
            s.close()

    def _connections(self) -> int:
        n = 0
        for s in self.listeners:
            while True:
                try:
                    conn, _ = s.accept()
                except (BlockingIOError, OSError):
                    break
                conn.close()
                n += 1
        return n

    def run_attack(self, entry: dict) -> None:
        name = entry["file"]
        path = ATTACKS / name
        canary = "canary-" + secrets.token_hex(12)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYHARNESS_SANDBOX")}
        env["PYHARNESS_LLM_API_KEY"] = canary
        env["OPENAI_API_KEY"] = canary
        env["PH_ATTACK_CANARY"] = canary
        forbidden = [Path(p) for p in entry.get("forbidden_files", [])]
        for f in forbidden:
            f.unlink(missing_ok=True)
        tmp = None
        exercise = entry["exercise"]
        if "limits" in entry:
            tmp = _exercises_with_limits(exercise, entry["limits"])
            env["PYHARNESS_EXERCISES"] = tmp.name
        self._connections()  # drain anything unrelated
        scratch_parent = tempfile.TemporaryDirectory(prefix="ph-attack-tmp-")
        env["TMPDIR"] = scratch_parent.name
        try:
            proc = subprocess.run([BIN, "run", exercise, str(path), "--json"], env=env,
                                  capture_output=True, timeout=HOST_TIMEOUT_S)
        finally:
            if tmp is not None:
                tmp.cleanup()
        out = proc.stdout.decode(errors="replace")
        err = proc.stderr.decode(errors="replace")
        context = f"{name}: exit {proc.returncode}\nstderr: {err[-1500:]}"

        self.assertIn(proc.returncode, (0, 1), f"the host did not survive: {context}")
        try:
            result = json.loads(out)
        except json.JSONDecodeError:
            self.fail(f"no JSON result: {context}\nstdout: {out[:1500]}")
        check_result(result)
        verdict = result.get("verdict")
        self.assertNotEqual(verdict, "passed", f"an attack passed: {context}")
        self.assertIn(verdict, entry["expect"],
                      f"verdict {verdict!r} ({result.get('detail')!r}), expected one of "
                      f"{entry['expect']}: {context}")
        self.assertNotIn(canary, out + err, f"the canary secret leaked: {context}")

        time.sleep(0.05)
        stray = _processes_mentioning(str(path))
        self.assertEqual(stray, [], f"processes of the run survived it: {context}")
        self.assertEqual(self._connections(), 0, f"the loopback listener was reached: {context}")
        for f in forbidden:
            self.assertFalse(f.exists(), f"{f} was written: {context}")
        left = os.listdir(scratch_parent.name)
        scratch_parent.cleanup()
        self.assertEqual(left, [], f"a scratch folder was left behind: {context}")
        exercise_dir = SOURCE / "exercises" / exercise
        self.assertNotIn("# tampered", (exercise_dir / "checks.py").read_text(),
                         "the exercise was modified")


def _make_test(entry: dict):
    def test(self: AttackCorpus) -> None:
        self.run_attack(entry)
    test.__doc__ = f"{entry['file']}: {entry['threat']}"
    return test


_only = {n.strip() for n in os.environ.get("PYHARNESS_ATTACKS", "").split(",") if n.strip()}
for _entry in MANIFEST["attacks"]:
    _name = _entry["file"].removesuffix(".py")
    if _only and _name not in _only:
        continue
    setattr(AttackCorpus, f"test_{_name}", _make_test(_entry))

if __name__ == "__main__":
    unittest.main()
