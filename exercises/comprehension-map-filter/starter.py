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
