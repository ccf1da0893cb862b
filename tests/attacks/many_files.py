"""Attack: exhaust: 200,000 empty files and folders in the run's folder
(an inode quota, not a byte one, stops it; bounded here at 200,000)."""
import os

for top in range(200):
    os.makedirs(f"t{top}", exist_ok=True)
    for i in range(1000):
        open(f"t{top}/{i}", "w").close()


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
