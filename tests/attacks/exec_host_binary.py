"""Attack: run programs: the host binary in child mode."""
import _posixsubprocess, os, sys
exe = os.fsencode(sys.executable)
code = b"open('/tmp/ph_attack_marker_host', 'w').write('x'); import os; print(os.listdir('/work/main/exercises'))"
r, w = os.pipe()
pid = _posixsubprocess.fork_exec(
    [exe, b"-c", code], [exe], True, (w,), None, None,
    -1, -1, -1, -1, -1, -1, r, w, False, False, -1, None, None, None, -1, None, False)
os.waitpid(pid, 0)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
