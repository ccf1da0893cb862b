"""Observation checks for comprehension-map-filter.

Each check_<name>(sub, h) calls the submission and returns plain data; the C
supervisor compares it with the reference's observation.  The checks run in
the check runner, outside the submission's process: `sub` is a proxy whose
calls are requests, and an iterator passed to it is fed item by item from
here, so the laziness counts are the runner's own.  Loops over many items
(draining 10^6 tokens, cleaning 10^6 words) are `@inside` functions that run
in the worker as one request each, timed from outside by h.measure(); the
figures rules read (wall and CPU time, resident set, and the worker's own
report of its Python peak memory) are recorded in C.
"""

import collections
import itertools
import random
import types

from pyharness.checklib import CountingIterator, chain_strs, inside, type_name

# Visible sample: surrounding whitespace, an empty string, a whitespace-only token, inner spaces.
SAMPLE = ["  Hello", "WORLD  ", "", "   ", "\tTab\n", "MiXeD Case", "a", " b ", "hello"]

# A cycle used for the streaming checks: 10 words, 3 of them blank after stripping.
STREAM_WORDS = (" Alpha", "", "BETA ", "  ", "gamma", "\tDelta\n", "\n", "Epsilon", "ZETA", " eta ")

GUARD_LIMIT = 1_000_000  # "endless" streams stop here; only an eager solution gets this far


class ReadTooFar(Exception):
    """Raised by an endless test stream when a solution keeps reading it."""


def _endless(words):
    """An endless stream of words, with a tripwire far beyond what any check asks for."""
    for pulled, word in enumerate(itertools.cycle(words)):
        if pulled >= GUARD_LIMIT:
            raise ReadTooFar(f"read {GUARD_LIMIT} items of an endless stream")
        yield word


def _as_list(result):
    try:
        return list(result)
    except TypeError:
        return None


# ---- what runs in the worker ----

@inside
def drain_stream(sub, n, start, cycle):
    """Drain iter_clean_tokens() over n words made in the worker as they are
    pulled, keeping nothing.  Every other word is new (a counter from a drawn
    `start`, padded and capitalised), the others come from the cycle (blanks,
    padding, case): a cache or a "seen" set keyed by the word grows with the
    stream as surely as a list of it would."""
    shapes = itertools.cycle(cycle)
    words = (f" W{i}\t" if i % 2 else next(shapes) for i in range(start, start + n))
    collections.deque(sub.iter_clean_tokens(words), maxlen=0)


@inside
def input_unchanged(sub, words):
    """clean_tokens() on a list of the worker's own: is the list the same afterwards?"""
    mine = list(words)
    sub.clean_tokens(mine)
    return mine == words


WORD_SHAPES = ("{}", "  {}", "{}\t", " {} ", "", "   ", "{}\n")
WORD_STEMS = ("Token", "DATA", "model", "Train", "eval", "GPU", "batch", "Loss")
WORD_KINDS = 256  # distinct words per timed input: one byte of the seed's stream picks each


@inside
def new_box():
    """Where a timed run leaves its words and clean_tokens()'s result, so that
    freeing them falls outside the timed spans.  Empty: it holds nothing a
    timed call needs."""
    return types.SimpleNamespace(words=None, out=None)


@inside
def draw_words(n, seed):
    """n words drawn from `seed` inside the request that times them: 256
    words of every shape (mixed case, padding, blanks in two shapes of seven,
    duplicates), then n picks among them, all at C speed (a few milliseconds
    per million, the same for the reference and the candidate).  Nothing of
    the input exists in the worker before the request that carries the seed."""
    rng = random.Random(seed)
    bits = rng.getrandbits
    kinds = [shape.format(f"{stem}{bits(10) % 1000}")
             for shape, stem in zip(rng.choices(WORD_SHAPES, k=WORD_KINDS),
                                    rng.choices(WORD_STEMS, k=WORD_KINDS))]
    return list(map(kinds.__getitem__, rng.randbytes(n)))


SAMPLED = 64  # tokens of a timed result checked at positions drawn from its seed


@inside
def sample_positions(seed, n):
    """SAMPLED positions below n, drawn from the run's seed: a timed result is
    checked there as well as at its ends, so a result right only where it is
    easy to check (its ends, its length) is found out."""
    return sorted(random.Random(seed ^ 0x5EED).sample(range(n), min(SAMPLED, n)))


@inside
def token_digest(tokens, key):
    """A digest of every token of `tokens`, in order, keyed with `key` (drawn
    by the runner for this run and sent with the timed request): chain_strs,
    a non-linear mix in C of each token's text.  One wrong, missing or extra
    token anywhere changes it, and it cannot be had without every token,
    however the worker is tampered with.  None if a token is not a str."""
    try:
        return chain_strs(key, tokens)
    except TypeError:
        return None


@inside
def hex_digest(digest):
    """A digest as it is reported: 16 hex digits (None stays None)."""
    return None if digest is None else f"{digest:016x}"


@inside
def clean_into(sub, box, n, seed, key, report):
    """clean_tokens() on n words drawn here from `seed`; the result stays in
    the box (nothing large crosses).  Anything but an exact list is made one
    here, inside the timed request: a lazy list subclass or a generator does
    its work on this clock, not later when the result is read.  Every run's
    summary (count, first and last eight tokens, the tokens at positions drawn
    from the seed, and a digest of every token keyed with `key`) goes back
    through `report`, a callback into the runner, so no run's result goes
    unchecked and none is checked only where it is easy to get right."""
    box.words = draw_words(n, seed)
    out = sub.clean_tokens(box.words)
    if type(out) is not list:
        try:
            out = list(out)
        except TypeError:
            pass
    box.out = out
    try:
        summary = {"count": len(out), "head": out[:8], "tail": out[-8:],
                   "sample": [out[i] for i in sample_positions(seed, len(out))],
                   "digest": hex_digest(token_digest(out, key))}
    except TypeError:
        summary = {"count": 0, "head": [], "tail": [], "sample": [], "digest": None}
    report(summary)


@inside
def drop_results(boxes):
    """Free the words and clean_tokens()'s results before the next measurement."""
    for box in boxes:
        box.words = box.out = None


@inside
def count_lazy(sub, n, seed, key, report):
    """Drain iter_clean_tokens() over n words drawn here from `seed`, in
    chunks of 4096 tokens taken with islice (at C speed), counting them and
    digesting every one (token_digest, chained over the chunks from
    `key`); count and digest go back through `report` (a callback into
    the runner), every run's."""
    tokens = iter(sub.iter_clean_tokens(draw_words(n, seed)))
    count, digest = 0, key
    while chunk := list(itertools.islice(tokens, 4096)):
        count += len(chunk)
        digest = token_digest(chunk, digest)
        if digest is None:
            break
    report({"count": count, "digest": hex_digest(digest)})


# ---- checks ----

def check_clean_basic(sub, h):
    words = list(SAMPLE)
    result = sub.clean_tokens(words)
    return {"type": type_name(result), "tokens": _as_list(result)}


def _random_words(rng, n):
    """n words drawn from the grading's seed: padding of every kind, case,
    non-ASCII letters, blanks and duplicates."""
    pads = ("", " ", "  ", "\t", "\n", "\u3000", "\xa0", "\u2003")
    stems = ("Kyoto", "ÉCOLE", "über", "New  York", "a\tb", "GPU", "Straße", "x")
    words = []
    for _ in range(n):
        if rng.random() < 0.2:
            words.append("".join(rng.choice(pads) for _ in range(rng.randrange(3))))
        else:
            stem = rng.choice(stems) if rng.random() < 0.5 else words[-1] if words else "dup"
            words.append(rng.choice(pads) + stem.strip() + rng.choice(pads))
    return words


def check_clean_edge_cases(sub, h):
    cases = {
        "empty": [],
        "all_blank": ["", " ", "\t\n", "    "],
        "duplicates_in_order": ["b", " A", "b ", "A", "c", "B"],
        "unicode_whitespace": ["\u3000Kyoto\u3000", "\xa0", "\u2003Paris\xa0", "\u2009"],
        "non_ascii_case": ["ÉCOLE", " Über ", "ÇA VA"],
        "inner_whitespace_kept": ["  New   York  ", "a\tb"],
        "drawn": _random_words(h.rng("edge_cases"), 60),
    }
    out = {name: _as_list(sub.clean_tokens(words)) for name, words in cases.items()}
    # The list must be the worker's own: a copy sent by value could not show a change.
    out["input_unchanged"] = input_unchanged(sub, _random_words(h.rng("unchanged"), 30))
    return out


def check_iter_basic(sub, h):
    result = sub.iter_clean_tokens(list(SAMPLE))
    is_iterator = iter(result) is result
    return {
        "is_iterator": is_iterator,
        "tokens": list(result),
        "from_generator": list(sub.iter_clean_tokens(w for w in SAMPLE)),
        "from_tuple": list(sub.iter_clean_tokens(tuple(SAMPLE))),
        "empty": list(sub.iter_clean_tokens([])),
    }


def check_iter_lazy(sub, h):
    # Fed item by item from the runner: the counts are the runner's own.
    source = CountingIterator(STREAM_WORDS * 100)
    tokens = sub.iter_clean_tokens(source)
    pulled_at_call = source.pulled
    first = next(tokens)
    pulled_after_first = source.pulled
    next_five = list(itertools.islice(tokens, 5))
    pulled_after_six = source.pulled
    return {
        "pulled_at_call": pulled_at_call,
        "first": first,
        "pulled_after_first": pulled_after_first,
        "next_five": next_five,
        "pulled_after_six": pulled_after_six,
    }


def check_iter_infinite(sub, h):
    # The runner counts what the worker pulled: reading up to the tripwire is
    # the observation, whether or not the tripwire's exception reaches the
    # submission (it comes back, if at all, as an exception of the same name).
    words = list(STREAM_WORDS)
    h.rng("iter_infinite").shuffle(words)
    source = CountingIterator(_endless(words))
    try:
        first = list(itertools.islice(sub.iter_clean_tokens(source), 20))
    except Exception as exc:
        if type(exc).__name__ != ReadTooFar.__name__:
            raise
        first = None
    if first is None or source.pulled >= GUARD_LIMIT:
        return {"first_20": None, "problem": f"read {GUARD_LIMIT} items of an endless stream"}
    return {"first_20": first}


def check_memory_constant(sub, h):
    cycle = list(STREAM_WORDS)
    h.rng("memory_constant").shuffle(cycle)
    start = h.rng("memory_constant-start").randrange(10**9)
    h.measure("consumed_1e4", drain_stream, sub, 10**4, start, cycle)
    h.measure("consumed_1e6", drain_stream, sub, 10**6, start + 10**4, cycle)
    return {"ok": True}


SPEED_N = 10**6
SPEED_RUNS = 3


def check_speed(sub, h):
    """CPU time (single-threaded code), median of 3 runs, each on words of its
    own drawn inside the timed request from a seed the check draws from the
    grading's seed: nothing of a run's input is in the worker before its
    clock starts, and a cache keyed by the input's content gains nothing."""
    boxes = [new_box() for _ in range(SPEED_RUNS)]
    seeds = [h.rng(f"speed-{run}").getrandbits(64) for run in range(SPEED_RUNS)]
    keys = [h.rng(f"speed-key-{run}").getrandbits(64) for run in range(SPEED_RUNS)]
    summaries = []
    h.measure("clean_1e6", clean_into, repeat=SPEED_RUNS,
              fresh=lambda run: (sub, boxes[run], SPEED_N, seeds[run], keys[run],
                                 summaries.append))
    drop_results(boxes)
    lazy_seeds = [h.rng(f"lazy-{run}").getrandbits(64) for run in range(SPEED_RUNS)]
    lazy_keys = [h.rng(f"lazy-key-{run}").getrandbits(64) for run in range(SPEED_RUNS)]
    counts = []
    h.measure("iter_1e6", count_lazy, repeat=SPEED_RUNS,
              fresh=lambda run: (sub, SPEED_N, lazy_seeds[run], lazy_keys[run], counts.append))
    return {"clean": summaries, "lazy_counts": counts}
