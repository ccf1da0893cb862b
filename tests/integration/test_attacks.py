"""The attack corpus (tests/attacks/) through `pyharness run --json`.

For every submission in tests/attacks/manifest.json this asserts what issue 4
asks: the verdict is one of the expected ones and never "passed"; the host
exits 0 or 1 (never 2/3, never by a signal); no process of the run survives
it; no file appears outside the scratch folder; the loopback listener this
test opens receives no connection; and the canary secret put in the host's
environment appears nowhere in stdout, stderr or the JSON.

Entries with a control (tests/attacks/controls/) also run the control, the
same code without the trick, and assert that the trick gains nothing: the
attack's total is not above the control's.  Every JSON result must be valid
UTF-8; `"report": "text"` entries also run the terminal report and assert
that nothing of the submission reaches it raw (ESC, CR, other controls).

Environment: PYHARNESS_BIN (the host binary), PYHARNESS_SOURCE (the source
tree); PYHARNESS_ATTACKS=name,name runs a subset.  PYHARNESS_ATTACK_CONTROLS
names a JSON file where the run with the audit hook keeps its controls'
results and the run without it reuses them (a control is honest code, which
the hook never stops): keyed by the binary, the control's bytes and its
entry; a comparison that fails against a kept result runs again in full.  With
PYHARNESS_TEST_DISABLE_AUDIT=1 (honoured by builds with PH_TEST_SWITCHES) the
CPython audit hook is off: an entry marked "needs_audit" that then gets
through is reported as a skip naming what got through (the part of the grade
that still rests on the hook); every other entry must hold as it is.  An entry
with "known_gap" (an open hole, named with its issue) that gets through is
reported as a skip with that text, never silently.  An
entry whose run with the hook (same binary, same file, same entry) met no
refusal of the hook is skipped without it: it is the same run, and running
the whole corpus twice took a quarter of CI's time.  The run with the hook
keeps that in the same PYHARNESS_ATTACK_CONTROLS file; without the file,
every entry runs.
"""

from __future__ import annotations

import functools
import hashlib
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
AUDIT_OFF = os.environ.get("PYHARNESS_TEST_DISABLE_AUDIT") == "1"
RAW_CONTROLS = set(range(0x20)) - {0x09, 0x0A} | {0x7F}
CONTROLS_FILE = os.environ.get("PYHARNESS_ATTACK_CONTROLS")
BLOCKED_MARK = "pyharness sandbox:"  # PROTO_BLOCKED_PREFIX: how every refusal of the hook reads


@functools.lru_cache(maxsize=None)
def _binary_digest() -> str:
    return hashlib.sha256(Path(BIN).read_bytes()).hexdigest()


def _control_key(entry: dict, path: Path) -> str:
    h = hashlib.sha256()
    for part in (path.read_bytes(), json.dumps(entry, sort_keys=True).encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _kept_all() -> dict:
    """What the run with the audit hook kept for this binary (others' are dropped):
    "controls", the controls' results; "hook", per attack whether the hook
    refused anything in its run."""
    try:
        doc = json.loads(Path(CONTROLS_FILE).read_text()) if CONTROLS_FILE else {}
    except (OSError, ValueError):
        doc = {}
    if doc.get("binary") != _binary_digest():
        doc = {}
    return {"controls": doc.get("controls", {}), "hook": doc.get("hook", {})}


def _kept(section: str = "controls") -> dict:
    return _kept_all()[section]


def _keep(section: str, key: str, value) -> None:
    if not CONTROLS_FILE:
        return
    doc = {"binary": _binary_digest(), **_kept_all()}
    doc[section][key] = value
    tmp = CONTROLS_FILE + ".tmp"
    Path(tmp).write_text(json.dumps(doc))
    os.replace(tmp, CONTROLS_FILE)


def _keep_control(key: str, result: dict) -> None:
    _keep("controls", key, {"score": result["score"],
                            "tests": [{"name": t["name"], "status": t["status"]}
                                      for t in result.get("tests", [])]})


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
        if AUDIT_OFF and _kept("hook").get(_control_key(entry, ATTACKS / entry["file"])) is False:
            # The hook refused nothing in this attack's run with it (every
            # refusal is reported, BLOCKED_MARK), so the run without it takes
            # the same path: nothing of the grade rests on the hook here.
            self.skipTest("the audit hook refused nothing in the run with it: the same run")
        if entry.get("known_gap"):
            # An open hole, named in its issue: reported as a skip when it
            # gets through (visible in every run), a pass when it does not.
            try:
                self._run_with_kept_control(entry)
            except AssertionError as exc:
                self.skipTest(f"known gap ({entry['known_gap']}): {str(exc)[:300]}")
            return
        if not (AUDIT_OFF and entry.get("needs_audit")):
            self._run_with_kept_control(entry)
            return
        try:
            self._run_with_kept_control(entry)
        except AssertionError as exc:
            self.skipTest(f"gets through without the audit hook: {str(exc)[:300]}")

    def _run_with_kept_control(self, entry: dict) -> None:
        self.kept_used = False
        try:
            self._run_attack(entry, reuse=AUDIT_OFF)
        except AssertionError:
            if not self.kept_used:
                raise
            self._run_attack(entry, reuse=False)  # the control run afresh

    def _run_one(self, path: Path, entry: dict, env: dict, text: bool = False):
        exercise = entry["exercise"]
        args = [BIN, "run", exercise, str(path)] + ([] if text else ["--json"])
        return subprocess.run(args, env=env, capture_output=True, timeout=HOST_TIMEOUT_S)

    def _result(self, path: Path, entry: dict, env: dict) -> dict:
        proc = self._run_one(path, entry, env)
        self.assertIn(proc.returncode, (0, 1), f"{path.name}: exit {proc.returncode}")
        return json.loads(proc.stdout.decode("utf-8"))

    @staticmethod
    def _status(result: dict, check: str) -> str:
        return next((t["status"] for t in result.get("tests", []) if t["name"] == check), "?")

    def _control(self, entry: dict, env: dict, reuse: bool) -> dict:
        path = ATTACKS / "controls" / entry["control"]
        key = _control_key(entry, path)
        if reuse:
            kept = _kept().get(key)
            if kept is not None:
                self.kept_used = True
                return kept
        result = self._result(path, entry, env)
        if not AUDIT_OFF:
            _keep_control(key, result)
        return result

    def _run_attack(self, entry: dict, reuse: bool = False) -> None:
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
        if "exercises" in entry:
            env["PYHARNESS_EXERCISES"] = str(SOURCE / entry["exercises"])
        if "limits" in entry:
            tmp = _exercises_with_limits(exercise, entry["limits"])
            env["PYHARNESS_EXERCISES"] = tmp.name
        self._connections()  # drain anything unrelated
        scratch_parent = tempfile.TemporaryDirectory(prefix="ph-attack-tmp-")
        env["TMPDIR"] = scratch_parent.name
        control = None
        text_proc = None
        try:
            proc = self._run_one(path, entry, env)
            if "control" in entry:
                control = self._control(entry, env, reuse)
            if entry.get("report") == "text":
                text_proc = self._run_one(path, entry, env, text=True)
        finally:
            if tmp is not None:
                tmp.cleanup()
        try:
            proc.stdout.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.fail(f"{name}: the JSON report is not valid UTF-8: {exc}")
        out = proc.stdout.decode(errors="replace")
        err = proc.stderr.decode(errors="replace")
        context = f"{name}: exit {proc.returncode}\nstderr: {err[-1500:]}"

        self.assertIn(proc.returncode, (0, 1), f"the host did not survive: {context}")
        try:
            result = json.loads(out)
        except json.JSONDecodeError:
            self.fail(f"no JSON result: {context}\nstdout: {out[:1500]}")
        check_result(result)
        if not AUDIT_OFF:
            _keep("hook", _control_key(entry, path),
                  bool(entry.get("needs_audit")) or BLOCKED_MARK in out + err)
        verdict = result.get("verdict")
        if not entry.get("total_not_above_control"):
            self.assertNotEqual(verdict, "passed", f"an attack passed: {context}")
        # Without the hook, what it would have rejected is stopped by the
        # kernel layers instead (an OSError: "error"), or killed: any verdict
        # but "passed" holds the grade; the assertions below still apply.
        if not AUDIT_OFF:
            self.assertIn(verdict, entry["expect"],
                          f"verdict {verdict!r} ({result.get('detail')!r}), expected one of "
                          f"{entry['expect']}: {context}")
        self.assertNotIn(canary, out + err, f"the canary secret leaked: {context}")
        for text in entry.get("detail_contains", []):
            self.assertIn(text, json.dumps(result, ensure_ascii=False),
                          f"{text!r} is not in the result: {context}")
        for secret in entry.get("forbidden_output", []):
            self.assertNotIn(secret, out + err, f"{secret!r} in the run's output: {context}")
        if control is not None:
            score, target = result["score"], entry.get("target")
            if target is not None and self._status(control, target) != "passed":
                self.assertNotEqual(self._status(result, target), "passed",
                                    f"{name} passed {target}, its control did not: {context}")
            control = control["score"]
            if entry.get("below_control"):
                self.assertLess(score["total"], control["total"],
                                f"{name} kept its control's {control['total']}: {context}")
            elif entry.get("total_not_above_control"):
                # A trick aimed at the performance marks of correct (slow)
                # code: the run may pass, but score no more than its control.
                self.assertLessEqual(score["total"], control["total"] + entry.get("noise", 0),
                                     f"{name}: total {score['total']}, its control "
                                     f"{control['total']}: {context}")
            else:
                self.assertLessEqual(score["correctness"],
                                     control["correctness"] + entry.get("noise", 0),
                                     f"{name}: correctness {score['correctness']}, its control "
                                     f"{control['correctness']}: {context}")
        if text_proc is not None:
            raw = sorted({b for b in text_proc.stdout if b in RAW_CONTROLS})
            self.assertEqual(raw, [], f"{name}: raw control bytes reached the text report")
            text = text_proc.stdout.decode("utf-8")
            # The line and paragraph separators: a new line in some viewers.
            self.assertNotIn("\u2028", text, f"{name}: a raw U+2028 reached the text report")
            self.assertNotIn("\u2029", text, f"{name}: a raw U+2029 reached the text report")

        time.sleep(0.05)
        stray = _processes_mentioning(str(path))
        self.assertEqual(stray, [], f"processes of the run survived it: {context}")
        self.assertEqual(self._connections(), 0, f"the loopback listener was reached: {context}")
        for f in forbidden:
            self.assertFalse(f.exists(), f"{f} was written: {context}")
        left = os.listdir(scratch_parent.name)
        scratch_parent.cleanup()
        self.assertEqual(left, [], f"a scratch folder was left behind: {context}")
        exercise_dir = SOURCE / entry.get("exercises", "exercises") / exercise
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
