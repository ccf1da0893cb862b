"""Cleaning tokens: list comprehensions, map/filter and their lazy forms.

Implement both functions.  A token is cleaned by str.strip() (any Unicode
whitespace at both ends; inner whitespace stays) and then str.lower();
tokens that are empty after stripping are dropped; the order of the
remaining tokens is kept, duplicates included.
"""


def clean_tokens(words):
    """Return a new list of the cleaned, non-empty tokens of `words`, in order.

    `words` is a list of str and must not be modified.

    >>> clean_tokens(["  Hello", "", "   ", "WORLD\\n", "New York"])
    ['hello', 'world', 'new york']
    """
    raise NotImplementedError


def iter_clean_tokens(words):
    """The lazy version of clean_tokens: return an iterator over the same tokens.

    `words` may be any iterable, including an endless one
    (itertools.cycle(...)).  Nothing may be read from it until the first
    token is asked for, and then only as far as needed to produce the tokens
    asked for so far.  Memory stays constant however many items are consumed.

    >>> from itertools import count, islice
    >>> list(islice(iter_clean_tokens(f" W{i} " for i in count()), 3))
    ['w0', 'w1', 'w2']
    """
    raise NotImplementedError


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - clean_basic (11.2 points, stopped after 20 s): clean_tokens() returns a list of
#     stripped, lower-cased tokens in input order, without empty or whitespace-only ones
#   - clean_edge_cases (7.5 points, stopped after 20 s): empty and all-blank inputs,
#     duplicates kept in order, Unicode whitespace and capitals, inner whitespace kept, the
#     input list left unchanged
#   - iter_basic (7.5 points, stopped after 20 s): iter_clean_tokens() returns an iterator
#     over the same tokens and accepts lists, tuples and generators
#   - iter_lazy (11.2 points, stopped after 20 s): iter_clean_tokens() reads nothing when
#     called and then only as far as the tokens asked for
#   - iter_infinite (7.5 points, stopped after 15 s): iter_clean_tokens() works on an
#     endless stream
#   - memory_constant (11.2 points, stopped after 30 s): neither the peak Python memory nor
#     the process's resident memory grows with the number of items iter_clean_tokens()
#     yields, on a stream where every other word is new, and the run's memory at its peak
#     over 10^6 items (every process, however early the memory was reserved) stays within
#     1.25x the reference's plus 12 MiB
#   - speed (3.8 points, stopped after 40 s): cleaning 10^6 words, eagerly (CPU time, median
#     of 3 runs, each on a list of its own) and lazily, against the reference
# Performance (20 points), only once the check speed passes: CPU time of clean_tokens() on
# 10^6 words, median of 3 runs; full marks at 2.00x slower than the reference or better,
# none at 5.00x slower or worse, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
