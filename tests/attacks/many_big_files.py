"""Attack: exhaust: the disk filled with many files, each under the per-file
limit (RLIMIT_FSIZE), from inside a check; bounded here at 2 GB."""
import os


def batched(iterable, size):
    blob = b"\1" * (1 << 20)
    for n in range(34):
        with open(f"part{n}.bin", "wb") as f:
            for _ in range(60):
                f.write(blob)
    return [[0]]


def read_jsonl(path):
    return iter(())
