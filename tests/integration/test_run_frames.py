"""An answer too large for a frame on the harness's socket is reported as
that, with the limit, never as the run's memory or as the submission ending
its process (issue 10).

A frame from the worker holds at most remote.MESSAGE_MAX bytes (64 MiB).
The serving loop seals each reply (harness/py/serve_gate.c): an answer over
the limit is refused there (ValueError), or encoding it runs the run out of
memory first (MemoryError); either way the check reports an OverflowError
that names the limit.  A frame announcing more than the limit is never the
serving loop's: the run stops with a protocol error that says so.
"""

from __future__ import annotations

import os
import tempfile

from phtest import FIXTURES, HarnessTest, run

MINI = FIXTURES / "exercises" / "mini"

# add(1, 2) answers a string of `size` MiB; the rest is the reference's.
ANSWER = """
def add(a, b):
    if a == 1:
        return "x" * ({size} * 1024 * 1024)
    return a + b


def squares(n):
    return (i * i for i in range(n))
"""

# add(1, 2) writes a frame header announcing 100 MiB on the socket (fd 3).
RAW = """
import os, struct, time


def add(a, b):
    if a == 1:
        os.write(3, struct.pack(">I", 100 * 1024 * 1024) + b"{" * 1000)
        time.sleep(2)
    return a + b


def squares(n):
    return (i * i for i in range(n))
"""


class FrameLimitTests(HarnessTest):
    def run_code(self, code: str) -> dict:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "sub.py")
            with open(path, "w") as f:
                f.write(code)
            res = run("run", str(MINI), path, "--json")
        self.assertIsNotNone(res.json, res.stderr)
        return res

    def assert_frame_limit(self, res, size: int) -> None:
        msg = res.test("add")["message"]
        self.assertIn("too large to observe", msg)
        self.assertIn("64 MiB limit for a worker's frame", msg)
        self.assertNotIn("ended the process", msg)
        self.assertNotIn("memory limit", msg)
        self.assertNotEqual(res.verdict, "memory_limit", res.json.get("detail"))
        # The other checks are untouched.
        self.assertEqual(res.test("squares")["status"], "passed", size)

    def test_answer_over_the_frame_limit(self) -> None:
        # 70 MiB: the seal refuses it (ValueError).
        self.assert_frame_limit(self.run_code(ANSWER.format(size=70)), 70)

    def test_answer_whose_encoding_runs_out_of_memory(self) -> None:
        # 120 MiB under the fixture's 256 MB: encoding it for the frame runs
        # out of memory before the seal can measure it (it ended the process
        # with status 0 before).
        self.assert_frame_limit(self.run_code(ANSWER.format(size=120)), 120)

    def test_raw_frame_over_the_limit(self) -> None:
        res = self.run_code(RAW)
        self.assertVerdict(res, "error")
        detail = res.json["detail"]
        self.assertIn("67,108,864-byte limit for a frame", detail)
        self.assertIn("a frame the submission wrote", detail)
