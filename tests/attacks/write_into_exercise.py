"""Attack: write: into the exercise bank."""
open("/work/main/exercises/generators-streaming/checks.py", "a").write("\n# tampered\n")


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
