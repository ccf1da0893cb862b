"""Control: the slow cleaner of rt10_sample_peek, cleaning every word."""
import re

_WS = re.compile(r"^\s+|\s+$")


def _clean(w):
    return _WS.sub("", w).lower()


def clean_tokens(words):
    return [t for t in map(_clean, words) if t]


def iter_clean_tokens(words):
    for w in words:
        t = _clean(w)
        if t:
            yield t
