# GOOD: itertools.filterfalse + operator.methodcaller pipeline (map chain)
from itertools import filterfalse
from operator import methodcaller

_strip = methodcaller("strip")


def clean_tokens(words):
    return [s.lower() for s in map(str.strip, words) if s]


def iter_clean_tokens(words):
    return map(str.lower, filterfalse(lambda s: not s, map(_strip, words)))
