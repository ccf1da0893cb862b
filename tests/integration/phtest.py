"""Shared helpers for the integration tests: run the real binary, read its JSON."""

from __future__ import annotations

import json
import os
import subprocess
import unittest
from pathlib import Path

import jsonschema  # Debian's python3-jsonschema (tools/install-deps.sh)

BIN = os.environ.get("PYHARNESS_BIN", str(Path(__file__).resolve().parents[2] / "build" / "pyharness"))
SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", str(Path(__file__).resolve().parents[2])))
FIXTURES = SOURCE / "tests" / "integration" / "fixtures"
SUBS = FIXTURES / "subs"
MINI = ["--exercises", str(FIXTURES / "exercises")]
RESULT_SCHEMA = json.loads((SOURCE / "docs" / "result.schema.json").read_text())
_VALIDATOR = jsonschema.Draft202012Validator(RESULT_SCHEMA)


def check_result(doc: dict) -> None:
    """Every result a test sees must match the shipped schema (docs/result-format.md)."""
    errors = sorted(_VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        raise AssertionError(f"result does not match docs/result.schema.json at "
                             f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}")


def read_result(path) -> dict:
    """A result file (run --out), checked against the schema."""
    doc = json.loads(Path(path).read_text())
    check_result(doc)
    return doc


def check_stored_results(db_path) -> int:
    """Check every result a grade store holds against the schema; how many there were."""
    import sqlite3
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT result_json FROM grade_runs WHERE result_json IS NOT NULL")
        docs = [json.loads(r[0]) for r in rows]
    for doc in docs:
        check_result(doc)
    return len(docs)


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        try:
            self.json = json.loads(proc.stdout) if proc.stdout.strip().startswith(("{", "[")) else None
        except json.JSONDecodeError:
            self.json = None
        if isinstance(self.json, dict) and "tests" in self.json and "verdict" in self.json:
            check_result(self.json)

    @property
    def verdict(self) -> str | None:
        return self.json["verdict"] if isinstance(self.json, dict) else None

    def test(self, name: str) -> dict:
        for t in self.json["tests"]:
            if t["name"] == name:
                return t
        raise KeyError(name)


def run(*args: str, env: dict | None = None, timeout: float = 300) -> Result:
    full_env = dict(os.environ)
    full_env.pop("PYHARNESS_EXERCISES", None)
    if env:
        full_env.update(env)
    proc = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env, errors="replace")
    if args and args[0] == "grade" and "--out" in args[:-1]:
        # Every part `grade` records is a result too: each must match the schema.
        store = Path(args[args.index("--out") + 1]) / "grade.sqlite3"
        if store.exists():
            check_stored_results(store)
    return Result(proc)


class HarnessTest(unittest.TestCase):
    def assertVerdict(self, res: Result, verdict: str, rc: int | None = None) -> None:
        self.assertIsNotNone(res.json, f"no JSON: rc={res.rc} stderr={res.stderr[:500]}")
        self.assertEqual(res.verdict, verdict, res.json.get("detail"))
        if rc is not None:
            self.assertEqual(res.rc, rc, res.stderr[:500])
