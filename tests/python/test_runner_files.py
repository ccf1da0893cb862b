"""Files the check runner writes into the worker's folder (pyharness.remote).

The run's folder belongs to the worker, and the runner may be root: a link
the worker plants under a name the runner is about to write, or a node it
swaps in between two calls on a path, must never make the runner write
outside the folder (red team 11: a link at `<fifo>.whole` had root create a
file in the host's folder, or write into /proc).
"""

import os
import stat
import tempfile
import unittest

from pyharness import remote


class _Runner:
    """The runner's FIFO methods on their own (they use only `fifos`)."""

    add_fifo = remote._Runner.add_fifo
    fifo_written = remote._Runner.fifo_written
    _pump_fifos = remote._Runner._pump_fifos
    _fifo_done = staticmethod(remote._Runner._fifo_done)
    _close_fifos = remote._Runner._close_fifos

    def __init__(self) -> None:
        self.fifos: dict = {}


class RunnerFilesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.folder = os.path.join(self.tmp.name, "run")  # the worker's
        os.mkdir(self.folder)
        self.outside = os.path.join(self.tmp.name, "outside")  # the host's
        with open(self.outside, "w") as f:
            f.write("host data\n")

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def _outside_intact(self) -> None:
        with open(self.outside) as f:
            self.assertEqual(f.read(), "host data\n")

    def test_put_file_replaces_a_planted_link_without_following_it(self):
        os.symlink(self.outside, os.path.join(self.folder, "work.py"))
        path = remote.put_file(self.folder, "work.py", b"x = 1\n")
        self._outside_intact()
        st = os.lstat(path)
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o644)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"x = 1\n")

    def test_put_file_refuses_a_taken_name_when_not_replacing(self):
        os.symlink(self.outside, os.path.join(self.folder, "in.jsonl.whole"))
        with self.assertRaises(FileExistsError):
            remote.put_file(self.folder, "in.jsonl.whole", b"data", replace=False)
        self._outside_intact()

    def test_put_file_refuses_a_folder_that_is_a_link(self):
        link = os.path.join(self.tmp.name, "linked")
        os.symlink(self.folder, link)
        with self.assertRaises(OSError):
            remote.put_file(link, "a.txt", b"data")

    def _fifo(self, data: bytes) -> tuple[_Runner, str]:
        r = _Runner()
        path = os.path.join(self.folder, "in.jsonl")
        r.add_fifo(path, data)
        self.assertTrue(stat.S_ISFIFO(os.lstat(path).st_mode))
        self.assertEqual(stat.S_IMODE(os.lstat(path).st_mode), 0o644)
        return r, path

    def _drain(self, r: _Runner, path: str) -> bytes:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        got = b""
        try:
            for _ in range(1000):
                r._pump_fifos()
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk and r.fifos[path][1] is None:
                    break
                got += chunk
        finally:
            os.close(fd)
        return got

    def test_a_whole_fifo_becomes_a_plain_file(self):
        r, path = self._fifo(b"line\n" * 50000)
        self.assertEqual(self._drain(r, path), b"line\n" * 50000)
        self.assertTrue(stat.S_ISREG(os.lstat(path).st_mode))
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"line\n" * 50000)

    def test_a_link_at_the_whole_name_is_not_followed(self):
        gone = os.path.join(self.tmp.name, "created-by-runner")
        os.symlink(gone, os.path.join(self.folder, "in.jsonl.whole"))
        os.symlink(self.outside, os.path.join(self.folder, "in.jsonl.whole2"))
        r, path = self._fifo(b"line\n" * 1000)
        self.assertEqual(self._drain(r, path), b"line\n" * 1000)
        self.assertFalse(os.path.lexists(gone))
        self._outside_intact()
        self.assertTrue(stat.S_ISFIFO(os.lstat(path).st_mode))  # left a FIFO

    def test_a_fifo_swapped_for_a_link_gets_nothing_written(self):
        r, path = self._fifo(b"secret input\n")
        os.unlink(path)
        os.symlink(self.outside, path)
        for _ in range(5):
            r._pump_fifos()
        self._outside_intact()
        self.assertEqual(r.fifo_written(path), 0)

    def test_a_fifo_swapped_for_the_workers_own_gets_nothing_written(self):
        r, path = self._fifo(b"secret input\n")
        own = os.path.join(self.folder, "own")
        os.mkfifo(own)
        os.replace(own, path)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there
        try:
            for _ in range(5):
                r._pump_fifos()
            self.assertEqual(os.read(fd, 100), b"")
        finally:
            os.close(fd)
        self.assertEqual(r.fifo_written(path), 0)
        self.assertIsNone(r.fifos[path][1])


if __name__ == "__main__":
    unittest.main()
