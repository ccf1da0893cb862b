"""Control: clean_tokens right; iter_clean_tokens keeps every token it
yields in a module-level list (memory grows with the stream)."""

_kept = []


def clean_tokens(words):
    return [w.strip().lower() for w in words if w.strip()]


def iter_clean_tokens(words):
    for w in words:
        s = w.strip()
        if s:
            t = s.lower()
            _kept.append(t)
            yield t
