# Correct, and slower than the reference by a middling amount (partial
# performance marks): surrounding whitespace is cut with a regular expression
# per word, and the list is built with append.
import re

_EDGES = re.compile(r"^\s+|\s+$")


def clean_tokens(words):
    out = []
    for word in words:
        token = _EDGES.sub("", word).lower()
        if token:
            out.append(token)
    return out


def iter_clean_tokens(words):
    for word in words:
        token = _EDGES.sub("", word).lower()
        if token:
            yield token
