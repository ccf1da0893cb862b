"""Control: a correct but slow cleaner (a regex per word)."""
import re

_WS = re.compile(r"^\s+|\s+$")


def _clean(w):
    return _WS.sub("", w).lower()


def clean_tokens(words):
    out = []
    for w in words:
        t = _clean(w)
        if t:
            out.append(t)
    return out


def iter_clean_tokens(words):
    for w in words:
        t = _clean(w)
        if t:
            yield t
