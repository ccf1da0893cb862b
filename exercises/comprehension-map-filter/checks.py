"""Observation checks for comprehension-map-filter.

Each check_<name>(sub, h) calls the submission and returns plain data; the C
supervisor compares it with the reference's observation.  Figures that rules
read (Python peak memory, wall time) are recorded in C through h.measure().
"""

import collections
import itertools

from pyharness.checklib import CountingIterator

# Visible sample: surrounding whitespace, an empty string, a whitespace-only token, inner spaces.
SAMPLE = ["  Hello", "WORLD  ", "", "   ", "\tTab\n", "MiXeD Case", "a", " b ", "hello"]

# A cycle used for the streaming checks: 10 words, 3 of them blank after stripping.
STREAM_WORDS = [" Alpha", "", "BETA ", "  ", "gamma", "\tDelta\n", "\n", "Epsilon", "ZETA", " eta "]

GUARD_LIMIT = 1_000_000  # "endless" streams stop here; only an eager solution gets this far


class ReadTooFar(Exception):
    """Raised by an endless test stream when a solution keeps reading it."""


def _endless(words):
    """An endless stream of words, with a tripwire far beyond what any check asks for."""
    for pulled, word in enumerate(itertools.cycle(words)):
        if pulled >= GUARD_LIMIT:
            raise ReadTooFar(f"read {GUARD_LIMIT} items of an endless stream")
        yield word


def _drain(iterable):
    collections.deque(iterable, maxlen=0)


def _big_words(n):
    """n words, deterministic: mixed case, padding, blanks, duplicates."""
    shapes = ("{}", "  {}", "{}\t", " {} ", "", "   ", "{}\n")
    stems = ("Token", "DATA", "model", "Train", "eval", "GPU", "batch", "Loss")
    return [shapes[i % 7].format(f"{stems[i % 8]}{i % 1000}") for i in range(n)]


def _as_list(result):
    try:
        return list(result)
    except TypeError:
        return None


def check_clean_basic(sub, h):
    words = list(SAMPLE)
    result = sub.clean_tokens(words)
    return {"type": type(result).__name__, "tokens": _as_list(result)}


def check_clean_edge_cases(sub, h):
    cases = {
        "empty": [],
        "all_blank": ["", " ", "\t\n", "    "],
        "duplicates_in_order": ["b", " A", "b ", "A", "c", "B"],
        "unicode_whitespace": ["\u3000Kyoto\u3000", "\xa0", "\u2003Paris\xa0", "\u2009"],
        "non_ascii_case": ["ÉCOLE", " Über ", "ÇA VA"],
        "inner_whitespace_kept": ["  New   York  ", "a\tb"],
    }
    out = {name: _as_list(sub.clean_tokens(words)) for name, words in cases.items()}
    words = list(SAMPLE)
    sub.clean_tokens(words)
    out["input_unchanged"] = words == SAMPLE
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
    try:
        return {"first_20": list(itertools.islice(sub.iter_clean_tokens(_endless(STREAM_WORDS)), 20))}
    except ReadTooFar as exc:
        return {"first_20": None, "problem": str(exc)}


def check_memory_constant(sub, h):
    h.measure("consumed_1e4",
              lambda: _drain(sub.iter_clean_tokens(itertools.islice(itertools.cycle(STREAM_WORDS), 10**4))))
    h.measure("consumed_1e6",
              lambda: _drain(sub.iter_clean_tokens(itertools.islice(itertools.cycle(STREAM_WORDS), 10**6))))
    return {"ok": True}


def check_speed(sub, h):
    """CPU time (single-threaded code), median of 3 runs, each on a list of its own."""
    words = _big_words(10**6)
    eager = _as_list(h.measure("clean_1e6", sub.clean_tokens, repeat=3,
                               fresh=lambda run: (list(words) if run else words,))) or []
    summary = {"count": len(eager), "head": eager[:8], "tail": eager[-8:]}
    del eager
    lazy_count = h.measure("iter_1e6", lambda items: sum(1 for _ in sub.iter_clean_tokens(items)),
                           repeat=3, fresh=lambda run: (list(words) if run else words,))
    summary["lazy_count"] = lazy_count
    return summary
