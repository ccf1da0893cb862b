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

from pyharness.checklib import CountingIterator, KeyedStream, chain_ints, inside


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
def drain_batched(sub, start, n, size):
    """Batch n items from `start` on and drop the batches as they come (nothing kept)."""
    collections.deque(sub.batched(iter(range(start, start + n)), size), maxlen=0)


@inside
def digest_batches(sub, start, step, n, mask, key, size, report):
    """Batch n items of a KeyedStream (an iterator made in C that tells
    nothing of what it will yield; start, step and mask drawn by the runner
    for this run) and hand back the batches' count, their items' count and
    a digest of every item of every batch, in order and batch by batch
    (chain_ints, a non-linear mix in C) seeded with `key`, drawn by the runner for this run and
    sent with this request.  A batch left out, cut elsewhere or holding one
    wrong item changes the digest, and the digest cannot be had without
    every batch's items, so a right answer costs the work however the
    worker is tampered with.  The digest goes back through `report`, a
    callback into the runner, so every run is checked, not only the last."""
    batches = total = 0
    digest = key
    for batch in sub.batched(KeyedStream(start, step, n, mask), size):
        batches += 1
        total += len(batch)
        digest = chain_ints(digest, batch)
    report([batches, total, digest])


@inside
def skip_records(stream, k):
    """Take k records from the stream (past the first); the last of them.
    A list (an eager reader) is iterated afresh: the record differs."""
    it = iter(stream)
    last = None
    for _ in range(k):
        last = next(it)
    return last


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
    # An endless count fed from the runner, its start and step drawn from the
    # grading's seed: the first four batches cannot be known in advance.
    rng = h.rng("infinite")
    source = iter(itertools.count(rng.randrange(10**6), rng.randrange(1, 50)))
    return collect(sub, source, 7, 4)


def check_batched_any_iterable(sub, h):
    rng = h.rng("any_iterable")
    base = rng.randrange(1000)
    gen = (x * x for x in range(base, base + rng.randrange(9, 14)))
    letters = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(7, 12)))
    keys = {f"k{rng.randrange(10**6)}_{i}": i for i in range(rng.randrange(3, 6))}
    return {
        "generator": collect(sub, gen, 4),
        "tuple": collect(sub, tuple(letters), 2),
        "dict_keys": collect(sub, keys.keys(), 2),
    }


def check_read_jsonl_basic(sub, h):
    lines = ['{"id": 1, "text": "first"}', "", '  {"id": 2, "tags": ["a", "b"]}  ', "   ",
             "[1, 2, 3]", '"just a string"', "", '{"nested": {"x": 1.5}}',
             '{"text": "na\u00efve caf\u00e9 \u2615"}', '{"raw": "déjà vu"}']
    path = h.write_file("basic.jsonl", "\n".join(lines) + "\n")
    return list(sub.read_jsonl(path))


def check_read_jsonl_lazy(sub, h):
    # 20,000 records of about 200 characters (4 MB), their contents drawn
    # from the grading's seed: the first record cannot be known in advance.
    rng = h.rng("read_jsonl_lazy")
    letters = "abcdefghijklmnopqrstuvwxyz"
    first_id = rng.randrange(10**9)
    records = [json.dumps({"id": first_id + i,
                           "payload": rng.choice(letters) * 190 + "".join(
                               rng.choice(letters) for _ in range(10))})
               for i in range(20000)]
    # A FIFO the runner writes only as fast as it is read, and only while a
    # request runs: what it had written when a call came back bounds what
    # the call read, however it read (a mapping of a FIFO fails).
    path = h.write_fifo("big.jsonl", "\n".join(records) + "\n")
    stream = h.measure("first_record", sub.read_jsonl, path)
    fed_at_call = h.fifo_written(path)
    is_iterator = iter(stream) is stream
    first = h.measure("first_next", next, iter(stream))
    fed_at_first_record = h.fifo_written(path)
    # Then a few records more, how many drawn from the seed: a reader lazy
    # for its first record only (and eager from the second on) is seen here.
    more = rng.randrange(2, 200)
    later = skip_records(stream, more)
    taken = sum(len(r) + 1 for r in records[:more + 1])
    return {"is_iterator": is_iterator, "first": first, "fed_at_call": fed_at_call,
            "fed_at_first_record": fed_at_first_record,
            "later_record": later, "fed_past_later_records": h.fifo_written(path) - taken}


def check_memory_constant(sub, h):
    start = h.rng("memory_constant").randrange(1 << 28)
    h.measure("items_1e4", drain_batched, sub, start, 10**4, 100)
    h.measure("items_1e6", drain_batched, sub, start, 10**6, 100)
    return {"ok": True}


SPEED_N = 10**6
SPEED_SIZE = 64
SPEED_RUNS = 9


def _speed_input(h, run):
    """Run `run`'s input and digest key, from the grading's secret seed
    (unknown to the submission until the timed request carries them,
    different for every run)."""
    rng = h.rng(f"speed-{run}")
    return (rng.randrange(1 << 28), rng.randrange(1, 512), rng.randrange(1 << 30),
            rng.getrandbits(60))


def check_speed(sub, h):
    """10^6 items in batches of 64: CPU time (single-threaded), median of 9 runs,
    each on an input of its own drawn from the grading's seed.  Every run's
    counts and digest are the observation, compared with the reference's on
    the same inputs (the runner does not redo the work)."""
    inputs = [_speed_input(h, run) for run in range(SPEED_RUNS)]
    reports = []

    def fresh(run):
        start, step, mask, key = inputs[run]
        return (sub, start, step, SPEED_N, mask, key, SPEED_SIZE, reports.append)

    h.measure("batch_1e6", digest_batches, repeat=SPEED_RUNS, fresh=fresh)
    runs = [{"batches": got[0], "items": got[1], "digest": f"{got[2]:016x}"}
            if type(got) is list and len(got) == 3 and type(got[2]) is int
            else "no digest reported"
            for got in reports]
    runs += ["no digest reported"] * (SPEED_RUNS - len(runs))
    return {"runs": runs}
