"""Tests of python/pyharness/checklib.py, in plain python3.

What they prove: a pool left running by a call is found, counted and stopped
(so its CPU time cannot reach a later measurement), while a pool shut down
properly, and multiprocessing's own helpers, count as nothing.
"""

import multiprocessing
import threading
import time
import unittest
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from pyharness.checklib import Leftovers


def _square(x):
    return x * x


def _sleep_forever():
    while True:
        time.sleep(1)


class LeftoversTests(unittest.TestCase):
    def test_a_pool_shut_down_leaves_nothing(self):
        with Leftovers() as left:
            with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
                self.assertEqual(list(pool.map(_square, [1, 2, 3])), [1, 4, 9])
        self.assertEqual(left.observation(),
                         {"processes_left_running": 0, "threads_left_running": 0})

    def test_a_process_left_running_is_counted_and_stopped(self):
        ctx = multiprocessing.get_context("fork")
        with Leftovers() as left:
            proc = ctx.Process(target=_sleep_forever)
            proc.start()
        self.assertEqual(left.processes, 1)
        proc.join(5)
        self.assertFalse(proc.is_alive())

    def test_a_pool_never_shut_down_is_counted(self):
        kept = []
        with Leftovers(thread_grace_s=0.2) as left:
            pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))
            kept.append(pool)
            list(pool.map(_square, [1, 2, 3]))
        self.assertGreaterEqual(left.processes, 1)
        pool.shutdown(wait=False, cancel_futures=True)

    def test_a_thread_left_running_is_counted_after_the_grace(self):
        stop = threading.Event()
        with Leftovers(thread_grace_s=0.1) as left:
            t = threading.Thread(target=stop.wait, daemon=True)
            t.start()
        self.assertEqual(left.threads, 1)
        stop.set()
        t.join()

    def test_threads_that_end_within_the_grace_count_as_nothing(self):
        with Leftovers(thread_grace_s=2.0) as left:
            with ThreadPoolExecutor(max_workers=3) as pool:
                list(pool.map(_square, range(10)))
        self.assertEqual(left.threads, 0)


if __name__ == "__main__":
    unittest.main()
