"""Attack: secrets: printing the environment."""
import os, posix, sys
print(dict(os.environ))
print(posix.environ)
print(sorted(sys.modules))
for key in list(os.environ):
    print(key, os.getenv(key), file=sys.stderr)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
