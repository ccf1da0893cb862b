# BUG: tokens that are empty after stripping are dropped (only drops the empty string, keeps whitespace-only)


def clean_tokens(words):
    return [w.strip().lower() for w in words if w]


def iter_clean_tokens(words):
    return (w.strip().lower() for w in words if w)
