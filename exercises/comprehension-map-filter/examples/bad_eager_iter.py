"""The 'lazy' version materialises the whole input first: right answers on
small lists, but it reads everything before the first token and never
finishes on an endless stream."""


def clean_tokens(words):
    return [w.strip().lower() for w in words if w.strip()]


def iter_clean_tokens(words):
    return iter(clean_tokens(list(words)))
