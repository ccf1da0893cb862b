"""Attack: run programs: os.execv."""
import os
os.execv("/bin/sh", ["sh", "-c", "touch /tmp/ph_attack_marker_exec"])


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
