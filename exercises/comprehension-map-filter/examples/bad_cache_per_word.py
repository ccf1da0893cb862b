"""BAD: a cache of every word ever cleaned (functools.lru_cache without a
bound) shared by both functions.  Correct tokens, and fast on repetitive
input, but iter_clean_tokens() then holds memory for every distinct word it
has seen: on a stream of new words, memory grows with the stream."""
from functools import lru_cache


@lru_cache(maxsize=None)
def _clean(word):
    return word.strip().lower()


def clean_tokens(words):
    return [token for word in words if (token := _clean(word))]


def iter_clean_tokens(words):
    return (token for word in words if (token := _clean(word)))
