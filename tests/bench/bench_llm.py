#!/usr/bin/env python3
"""Benchmark: 64 explanations scored by `pyharness score` against the fake LLM
server answering each request in 300 ms.

Runs the batch with PYHARNESS_LLM_CONCURRENCY=8 and with 1, and prints the
wall time of each beside the ideal ceil(64/8) x 0.3 s; the goal for the
concurrent run is at most 1.2x the ideal.  Exits 1 when the goal is missed.

    PYHARNESS_BIN=build/pyharness python3 tests/bench/bench_llm.py [--answers 64]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

from test_score_llm import GOOD, FakeServer, make_exercise  # noqa: E402


def run(bin_: str, exercise: Path, files: list[str], env: dict[str, str]) -> float:
    t0 = time.monotonic()
    p = subprocess.run([bin_, "score", str(exercise), *files, "--json"], env=env,
                       capture_output=True, text=True, timeout=600)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("pyharness score failed (%d): %s" % (p.returncode, p.stderr))
    out = json.loads(p.stdout)
    lost = [r["file"] for r in out if r["fallback"] or r["scorer"] == "offline"]
    if len(out) != len(files) or lost:
        sys.exit("answers lost or fell back: %s" % lost)
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=64)
    ap.add_argument("--delay", type=float, default=0.3)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    bin_ = os.environ.get("PYHARNESS_BIN")
    if not bin_:
        sys.exit("set PYHARNESS_BIN to the pyharness binary")

    tmp = Path(tempfile.mkdtemp(prefix="ph-bench-llm-"))
    server = FakeServer("--delay", str(args.delay))
    try:
        exercise = make_exercise(tmp)
        files = []
        for i in range(args.answers):
            f = tmp / ("a%03d.md" % i)
            f.write_text(GOOD + "\nanswer %d\n" % i)
            files.append(str(f))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYHARNESS_LLM", "OPENAI_", "ANTHROPIC_"))}
        env.update({"PYHARNESS_LLM_BASE_URL": server.url + "/v1",
                    "PYHARNESS_LLM_API_KEY": "sk-bench",
                    "PYHARNESS_LLM_MODEL": "fake-1",
                    "PYHARNESS_LLM_CACHE": "off",  # every run must really send
                    "XDG_CONFIG_HOME": str(tmp / "config"),
                    "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"})

        ideal = math.ceil(args.answers / args.concurrency) * args.delay
        server.post("/reset")
        wall = run(bin_, exercise, files, dict(env, PYHARNESS_LLM_CONCURRENCY=str(args.concurrency)))
        st = server.stats()
        server.post("/reset")
        serial = run(bin_, exercise, files, dict(env, PYHARNESS_LLM_CONCURRENCY="1"))
        ratio = wall / ideal
        print("answers %d, server delay %.3f s" % (args.answers, args.delay))
        print("%-28s %8s %10s" % ("", "wall s", "vs ideal"))
        print("%-28s %8.3f %9.2fx" % ("concurrency %d" % args.concurrency, wall, ratio))
        print("%-28s %8.3f %9.2fx" % ("ideal ceil(%d/%d)*%.1f" % (args.answers, args.concurrency,
                                                                 args.delay), ideal, 1.0))
        print("%-28s %8.3f %9.2fx" % ("concurrency 1", serial, serial / ideal))
        print("requests %d, max in flight %d, connections %d" %
              (st["requests"], st["max_in_flight"], st["connections"]))
        print("ratio %.3f (goal <= 1.2): %s" % (ratio, "ok" if ratio <= 1.2 else "MISSED"))
        return 0 if ratio <= 1.2 else 1
    finally:
        server.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
