# BUG: docs and stopwords are not modified (lower-cases the caller's stopwords list in place)
import re
from collections import Counter

_WORD = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    for i, s in enumerate(stopwords):
        stopwords[i] = s.lower()
    stop = set(stopwords)
    counts = Counter(w for w in _WORD.findall("\n".join(docs).lower()) if w not in stop)
    return sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:k]
