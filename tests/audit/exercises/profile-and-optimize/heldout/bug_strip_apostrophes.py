# BUG: an apostrophe belongs to the word ("dogs'", "'tis"; strips leading/trailing apostrophes and drops lone ones)
import re
from collections import Counter

_WORD = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    stop = {s.lower() for s in stopwords}
    counts = Counter()
    for w in _WORD.findall("\n".join(docs).lower()):
        w = w.strip("'")
        if w and w not in stop:
            counts[w] += 1
    return sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:k]
