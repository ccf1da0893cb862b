"""Attack: run programs: os.system."""
import os
os.system("touch /tmp/ph_attack_marker_system")


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
