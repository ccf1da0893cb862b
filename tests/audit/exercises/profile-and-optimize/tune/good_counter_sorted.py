# GOOD: one compiled regex over the joined corpus, collections.Counter, sorted by (-count, word)
import re
from collections import Counter

_WORD = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    if k <= 0 or not docs:
        return []
    counts = Counter(_WORD.findall("\n".join(docs).lower()))
    for s in {s.lower() for s in stopwords}:
        counts.pop(s, None)
    return sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:k]
