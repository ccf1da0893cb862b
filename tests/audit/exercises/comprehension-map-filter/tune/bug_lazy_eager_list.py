# BUG: iter_clean_tokens is lazy and works on an endless stream (materialises list(words) first)


def clean_tokens(words):
    return [t for t in (w.strip().lower() for w in words) if t]


def iter_clean_tokens(words):
    words = list(words)
    return iter([t for t in (w.strip().lower() for w in words) if t])
