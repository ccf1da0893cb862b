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
