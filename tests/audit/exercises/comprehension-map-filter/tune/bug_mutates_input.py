# BUG: `words` is a list of str and must not be modified (cleans in place)


def clean_tokens(words):
    for i, w in enumerate(words):
        words[i] = w.strip().lower()
    return [w for w in words if w]


def iter_clean_tokens(words):
    return (t for t in (w.strip().lower() for w in words) if t)
