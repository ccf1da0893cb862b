"""Control: iter_clean_tokens keeps every token it yields (a leak) in a list."""
_KEPT = []


def clean_tokens(words):
    return [t for t in (w.strip().lower() for w in words) if t]


def iter_clean_tokens(words):
    for w in words:
        t = w.strip().lower()
        if t:
            _KEPT.append(t)
            yield t
