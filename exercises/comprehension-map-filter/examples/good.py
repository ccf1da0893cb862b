"""Correct, written differently from the reference: map/filter with built-in
methods for the eager version, a generator function for the lazy one."""


def clean_tokens(words):
    return list(filter(None, map(str.lower, map(str.strip, words))))


def iter_clean_tokens(words):
    for word in words:
        word = word.strip()
        if word:
            yield word.lower()
