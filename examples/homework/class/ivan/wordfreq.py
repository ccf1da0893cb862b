import re
from collections import Counter


def top_words(s, n):
    freq = word_counts(s)
    order = sorted(freq.items(), key=lambda item: (-item[1], item[0]))
    if n <= 0:
        return []
    return order[:n]


PAT = re.compile(r"[^\W\d_]+")


def words_of(doc):
    """All words of the document, lower-cased."""
    hits = PAT.findall(doc)
    low = [w.lower() for w in hits]
    return low


def word_counts(s):
    c = Counter()
    for w in words_of(s):
        c[w] += 1
    return dict(c)
