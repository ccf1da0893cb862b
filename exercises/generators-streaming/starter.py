"""Streaming with generators.

Implement both functions so that they work on inputs far larger than memory:
nothing may be read or built before the caller asks for it.
"""


def batched(iterable, size):
    """Lazily yield lists of up to `size` consecutive items of `iterable`.

    The last list may be shorter.  `size < 1` (0 or negative) raises
    ValueError, either when batched() is called or at the first next(): both
    are accepted.  Must work on
    an infinite iterator (itertools.count()) and keep memory constant however
    long the input is.

    >>> list(batched(range(7), 3))
    [[0, 1, 2], [3, 4, 5], [6]]
    """
    raise NotImplementedError


def read_jsonl(path):
    """Yield one parsed object per non-blank line of the JSON Lines file `path`.

    The file is UTF-8 text; lines holding only whitespace are skipped.  Records
    are read one at a time: the first one arrives without the whole file being
    read or parsed.
    """
    raise NotImplementedError


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - batched_basic (7.5 points, stopped after 20 s): batched() groups items into lists of
#     `size`; the last may be shorter
#   - batched_invalid_size (3.8 points, stopped after 20 s): a size below 1 (0 or negative)
#     raises ValueError, at the call or at the first next()
#   - batched_lazy (7.5 points, stopped after 20 s): nothing is pulled from the input before
#     the first batch is asked for, and only about one batch after
#   - batched_infinite (7.5 points, stopped after 10 s): works on an infinite iterator
#   - batched_any_iterable (3.8 points, stopped after 20 s): accepts generators, tuples and
#     views, not only lists
#   - read_jsonl_basic (7.5 points, stopped after 20 s): read_jsonl() yields one object per
#     non-blank line of a UTF-8 file (non-ASCII text included)
#   - read_jsonl_lazy (7.5 points, stopped after 20 s): read_jsonl() streams: the first
#     record arrives without parsing the whole file
#   - memory_constant (11.2 points, stopped after 30 s): resident memory and memory first
#     touched (every process of the run counted), and peak Python memory, do not grow with
#     the length of the input (10^4 against 10^6 items), and the run's memory at its peak
#     over 10^6 items (however early it was reserved) stays within 1.25x the reference's
#     plus 12 MiB
#   - speed (3.8 points, stopped after 40 s): batching 10^6 items into lists of 64: CPU
#     time, median of 9 runs on fresh iterators, against the reference
# Performance (20 points), only once the check speed passes: CPU time of batching 10^6
# items, median of 9 runs; full marks at 2.86x slower than the reference or better, none at
# 8.33x slower or worse, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
