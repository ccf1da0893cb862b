"""Attack: run programs: _posixsubprocess.fork_exec (no audit event)."""
import _posixsubprocess, os
for prog in (b"/bin/sh", b"/usr/bin/sh", b"/usr/bin/python3"):
    r, w = os.pipe()
    try:
        _posixsubprocess.fork_exec(
            [prog, b"-c", b"touch /tmp/ph_attack_marker_posixsub"], [prog], True, (w,), None, None,
            -1, -1, -1, -1, -1, -1, r, w, False, False, -1, None, None, None, -1, None, False)
    except OSError as e:
        print("blocked", prog, e)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
