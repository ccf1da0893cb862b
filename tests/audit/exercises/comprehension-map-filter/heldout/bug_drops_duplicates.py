# BUG: duplicates are kept, in order (deduplicates with a seen-set)


def clean_tokens(words):
    seen = set()
    out = []
    for w in words:
        t = w.strip().lower()
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def iter_clean_tokens(words):
    seen = set()
    for w in words:
        t = w.strip().lower()
        if t and t not in seen:
            seen.add(t)
            yield t
