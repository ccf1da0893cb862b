# GOOD: map/filter with unbound str methods (lazy by nature), list() for the eager one


def clean_tokens(words):
    return list(filter(None, map(str.lower, map(str.strip, words))))


def iter_clean_tokens(words):
    return filter(None, map(str.lower, map(str.strip, words)))
