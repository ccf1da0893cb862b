"""Attack: the same sequential run_cpu_bound with a spinner.  The speed-up
is judged against a serial run of the same tasks that the checks make in
the worker (`@inside serially`), timed by the runner: the submission makes
that serial run three times as expensive.  The task function's module
(gil_work, imported by the checks from the run's folder) looks `range` up
in its globals; an import hook puts a `range` there that, in the worker's
own main thread only, burns twice the loop's cost first.  Pool processes
(other pids) get the plain range.  Nothing of the harness is touched."""
import builtins
import importlib.abc
import importlib.machinery
import multiprocessing
import os
import sys
import threading

_WORKER = os.getpid()
_real_range = builtins.range


def _burning_range(*args):
    if os.getpid() == _WORKER and threading.current_thread() is threading.main_thread() \
            and len(args) == 1 and type(args[0]) is int and args[0] > 1000:
        x = 1
        for _ in _real_range(2 * args[0]):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    return _real_range(*args)


def _patch(mod):
    mod.__dict__["range"] = _burning_range


class _Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "gil_work":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        inner = spec.loader.exec_module

        def exec_module(module):
            inner(module)
            _patch(module)

        spec.loader.exec_module = exec_module
        return spec


if "gil_work" in sys.modules:
    _patch(sys.modules["gil_work"])
else:
    sys.meta_path.insert(0, _Hook())
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def _spin(stop):
    x = 0
    while not stop.is_set():
        for _ in range(20000):
            x += 1
    return x


def _all(fn, inputs):
    return [fn(x) for x in inputs]


def run_cpu_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=_spin, args=(stop,))
    spinner.start()
    try:
        with ProcessPoolExecutor(max_workers=1) as ex:
            return ex.submit(_all, fn, inputs).result()
    finally:
        stop.set()
        spinner.join()


def run_io_bound(fn, inputs, workers):
    inputs = list(inputs)
    if not inputs:
        return []
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(fn, inputs))
