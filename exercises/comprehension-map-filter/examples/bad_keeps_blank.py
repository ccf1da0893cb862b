"""Drops "" but keeps whitespace-only tokens: the filter tests the raw word, not the stripped one."""


def clean_tokens(words):
    return [w.strip().lower() for w in words if w]


def iter_clean_tokens(words):
    return (w.strip().lower() for w in words if w)
