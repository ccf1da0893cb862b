"""Attack: exhaust: endless Python loop."""
def batched(iterable, size):
    while True:
        pass


def read_jsonl(path):
    while True:
        pass
