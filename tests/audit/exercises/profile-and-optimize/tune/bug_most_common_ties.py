# BUG: ties ordered by word ascending (Counter.most_common breaks ties by first appearance)
import re
from collections import Counter

_WORD = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    stop = {s.lower() for s in stopwords}
    counts = Counter(w for w in _WORD.findall("\n".join(docs).lower()) if w not in stop)
    return counts.most_common(k)
