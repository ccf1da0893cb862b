"""Attack: forge: raise SystemExit inside a check."""
def batched(iterable, size):
    raise SystemExit(0)


def read_jsonl(path):
    raise SystemExit(0)
