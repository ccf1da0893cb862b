"""Control: correct batched; read_jsonl reads 768 KiB at a time and parses
every line of that chunk before yielding the first record (not streaming one
record at a time: Python memory at the first record grows by megabytes)."""
import json


def batched(iterable, size):
    if size < 1:
        raise ValueError("size must be >= 1")
    it = iter(iterable)
    while True:
        batch = []
        for _ in range(size):
            try:
                batch.append(next(it))
            except StopIteration:
                break
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return


def read_jsonl(path):
    return _read(path)


def _read(path):
    with open(path, "rb") as f:
        rest = b""
        while True:
            chunk = f.read(768 * 1024)
            data = rest + chunk
            if not chunk:
                lines, rest = data.split(b"\n"), b""
            else:
                lines = data.split(b"\n")
                rest = lines.pop()
            parsed = [json.loads(x.decode("utf-8")) for x in lines if x.strip()]
            yield from parsed
            if not chunk:
                return
