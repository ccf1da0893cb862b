# GOOD: manual accumulate-and-flush loop; read_jsonl with readline() and explicit strip
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")

    def gen():
        batch = []
        for item in iterable:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    return gen()


def read_jsonl(path):
    f = open(path, "r", encoding="utf-8")
    try:
        while True:
            line = f.readline()
            if not line:
                break
            line = line.strip()
            if line:
                yield json.loads(line)
    finally:
        f.close()
