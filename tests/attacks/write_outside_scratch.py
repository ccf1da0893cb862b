"""Attack: write: outside the scratch folder."""
open("/tmp/ph_attack_marker_write", "w").write("escaped")


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
