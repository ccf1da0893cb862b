# BUG: ties ordered by word ascending (heapq.nlargest on (count, word) puts tied words in descending order)
import heapq
import re
from collections import Counter

_WORD = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    stop = {s.lower() for s in stopwords}
    counts = Counter(w for w in _WORD.findall("\n".join(docs).lower()) if w not in stop)
    return heapq.nlargest(k, counts.items(), key=lambda wc: (wc[1], wc[0]))
