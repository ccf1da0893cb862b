# GOOD: defaultdict(int) counting, two stable sorts (by word, then by count descending)
import re
from collections import defaultdict

_findall = re.compile(r"[a-z']+").findall


def top_words(docs, k, stopwords):
    if k == 0:
        return []
    stop = set(map(str.lower, stopwords))
    counts = defaultdict(int)
    for doc in docs:
        for w in _findall(doc.lower()):
            counts[w] += 1
    items = [(w, c) for w, c in counts.items() if w not in stop]
    items.sort()                                   # word ascending
    items.sort(key=lambda wc: wc[1], reverse=True)  # stable: count descending
    return items[:k]
