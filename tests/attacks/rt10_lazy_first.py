# ATTACK (a)/(b): the control's eager read_jsonl, lazy for the first record
# only: the first non-blank line is read and yielded alone; at the second
# next() the whole rest of the file is read and parsed into a list (memory
# that grows with the file), as the control does up front.  Laziness is
# judged on what the runner had written when the first record came back.
import itertools
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    it = iter(iterable)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
                break
        records = [json.loads(line) for line in f.readlines() if line.strip()]
    yield from records
