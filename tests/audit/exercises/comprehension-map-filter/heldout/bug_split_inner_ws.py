# BUG: inner whitespace stays (normalises tokens with " ".join(w.split()))


def clean_tokens(words):
    return [t for t in (" ".join(w.split()).lower() for w in words) if t]


def iter_clean_tokens(words):
    return (t for t in (" ".join(w.split()).lower() for w in words) if t)
