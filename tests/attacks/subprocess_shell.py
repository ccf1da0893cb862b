"""Attack: run programs: subprocess."""
import subprocess
subprocess.run(["/bin/sh", "-c", "touch /tmp/ph_attack_marker_subprocess"])


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
