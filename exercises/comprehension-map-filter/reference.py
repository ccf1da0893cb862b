"""Model solution for comprehension-map-filter (the answer key: never shown to candidates)."""


def clean_tokens(words):
    """Strip, lowercase and drop empty tokens, eagerly: one list comprehension."""
    return [token for word in words if (token := word.strip().lower())]


def iter_clean_tokens(words):
    """The same pipeline as a generator expression: nothing runs until asked."""
    return (token for word in words if (token := word.strip().lower()))
