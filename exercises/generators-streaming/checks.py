"""Observation checks for generators-streaming.

Each check_<name>(sub, h) calls the submission and returns plain data.  The
checks run in the check runner, outside the submission's process: `sub` is a
proxy whose calls are requests, and an iterator passed to it is fed item by
item from here, so the laziness counts are the runner's own.  Loops that
must run next to the submission (draining 10^6 items) are `@inside`
functions, one request each, timed from outside.  The harness runs the same
check on reference.py in another run and the C supervisor compares the two;
rules in exercise.json read the figures that h.measure() records in C.
"""

import collections
import itertools
import json

from pyharness.checklib import CountingIterator, inside


@inside
def collect(sub, items, size, limit=None):
    """The batches as a caller keeps them, collected next to the submission:
    a batch list the submission reuses and clears shows as it would to a
    caller (every kept batch changed), not as a copy taken at each yield."""
    batches = sub.batched(items, size)
    if limit is not None:
        batches = itertools.islice(batches, limit)
    return list(batches)


@inside
def drain_batched(sub, n, size):
    """Batch n items and drop the batches as they come (nothing kept)."""
    collections.deque(sub.batched(iter(range(n)), size), maxlen=0)


@inside
def digest_batches(sub, items, size):
    """The batches' count, their items' count and the sum of each batch's
    last item: an answer that needs every batch's contents (a count alone
    can be made up from the input's length)."""
    batches = total = tail = 0
    for batch in sub.batched(iter(items), size):
        batches += 1
        total += len(batch)
        tail += batch[-1]
    return [batches, total, tail]


def check_batched_basic(sub, h):
    return {
        "range10_by3": collect(sub, range(10), 3),
        "range6_by3": collect(sub, range(6), 3),
        "by1": collect(sub, "abc", 1),
        "bigger_than_input": collect(sub, [1, 2], 5),
        "empty": collect(sub, [], 4),
    }


def check_batched_invalid_size(sub, h):
    seen = {}
    for size in (0, -3):
        try:
            list(sub.batched([1, 2, 3], size))
            seen[str(size)] = "no exception"
        except Exception as exc:  # the type is the observation
            seen[str(size)] = type(exc).__name__
    return seen


def check_batched_lazy(sub, h):
    source = CountingIterator(range(1000))
    batches = sub.batched(source, 3)
    pulled_before = source.pulled
    first = next(iter(batches))
    return {"first": first, "pulled_before_first": pulled_before,
            "pulled_after_first": source.pulled}


def check_batched_infinite(sub, h):
    return collect(sub, itertools.count(), 7, 4)


def check_batched_any_iterable(sub, h):
    gen = (x * x for x in range(11))
    return {
        "generator": collect(sub, gen, 4),
        "tuple": collect(sub, tuple("streaming"), 2),
        "dict_keys": collect(sub, {"a": 1, "b": 2, "c": 3}.keys(), 2),
    }


def check_read_jsonl_basic(sub, h):
    lines = ['{"id": 1, "text": "first"}', "", '  {"id": 2, "tags": ["a", "b"]}  ', "   ",
             "[1, 2, 3]", '"just a string"', "", '{"nested": {"x": 1.5}}',
             '{"text": "na\u00efve caf\u00e9 \u2615"}', '{"raw": "déjà vu"}']
    path = h.write_file("basic.jsonl", "\n".join(lines) + "\n")
    return list(sub.read_jsonl(path))


def check_read_jsonl_lazy(sub, h):
    record = json.dumps({"id": 0, "payload": "x" * 200})
    path = h.write_file("big.jsonl", "\n".join([record] * 20000) + "\n")
    stream = h.measure("first_record", sub.read_jsonl, path)
    is_iterator = iter(stream) is stream
    first = h.measure("first_next", next, iter(stream))
    return {"is_iterator": is_iterator, "first": first}


def check_memory_constant(sub, h):
    h.measure("items_1e4", drain_batched, sub, 10**4, 100)
    h.measure("items_1e6", drain_batched, sub, 10**6, 100)
    return {"ok": True}


def check_speed(sub, h):
    """10^6 items in batches of 64: CPU time (single-threaded), median of 5 runs,
    each on an iterator of its own."""

    def fresh(run):
        return (sub, range(run, run + 10**6), 64)

    digest = h.measure("batch_1e6", digest_batches, repeat=5, fresh=fresh)
    return {"batches": digest}
