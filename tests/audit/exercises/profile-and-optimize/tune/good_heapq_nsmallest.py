# GOOD: per-document Counter.update with a stopword set filter, heapq.nsmallest for the top k
import heapq
import re
from collections import Counter

_findall = re.compile(r"[a-z']+").findall


def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    stop = frozenset(s.lower() for s in stopwords)
    counts = Counter()
    for doc in docs:
        counts.update(w for w in _findall(doc.lower()) if w not in stop)
    return heapq.nsmallest(k, counts.items(), key=lambda wc: (-wc[1], wc[0]))
