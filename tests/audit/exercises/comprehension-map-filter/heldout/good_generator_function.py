# GOOD: explicit generator function for the lazy version; eager = plain for loop with append


def clean_tokens(words):
    out = []
    append = out.append
    for w in words:
        t = w.strip()
        if t:
            append(t.lower())
    return out


def iter_clean_tokens(words):
    for w in words:
        t = w.strip()
        if t:
            yield t.lower()
