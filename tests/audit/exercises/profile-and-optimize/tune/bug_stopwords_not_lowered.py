# BUG: stopwords are compared after lower-casing them (set(stopwords) used as given)
import re
from collections import Counter

_WORD = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    stop = set(stopwords)
    counts = Counter(w for w in _WORD.findall("\n".join(docs).lower()) if w not in stop)
    return sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:k]
