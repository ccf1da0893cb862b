"""Attack: forge: the laziness check hands its counting iterator to the
submission, which rewrites the count (no introspection, nothing the audit
hook sees): eager code reports the reference's counts."""
import json




def batched(iterable, size):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    items = list(iterable)
    return [items[i:i + size] for i in range(0, len(items), size)]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


_eager = batched


def batched(iterable, size):  # noqa: F811
    if not hasattr(iterable, "pulled"):
        return _eager(iterable, size)
    result = _eager(iterable, size)
    try:
        iterable.pulled = 0
    except (AttributeError, TypeError):
        pass

    def replay():
        try:
            iterable.pulled = size  # what the reference has pulled at its first batch
        except (AttributeError, TypeError):
            pass
        yield from result

    return replay()
