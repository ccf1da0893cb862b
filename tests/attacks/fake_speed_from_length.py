"""Attack: forge: correct batching, except that a long input it can size is answered
with empty batches of the right number: a speed check that only counted batches
would see a 36x speed-up."""
import itertools, json, operator


def batched(iterable, size):
    if size < 1:
        raise ValueError("size")
    hint = operator.length_hint(iterable, -1)
    if hint > 100000:
        return iter([[]] * (-(-hint // size)))
    return _real(iter(iterable), size)


def _real(it, size):
    while True:
        b = list(itertools.islice(it, size))
        if not b:
            return
        yield b


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
