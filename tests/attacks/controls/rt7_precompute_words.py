"""CONTROL: a slow (but correct) clean_tokens computed in the worker itself."""


def _slow_clean(words):
    out = []
    for _ in range(8):  # deliberately slow: the whole job eight times
        out = [t for w in words if (t := w.strip().lower())]
    return out


def clean_tokens(words):
    return _slow_clean(words)


def iter_clean_tokens(words):
    return (t for w in words if (t := w.strip().lower()))
