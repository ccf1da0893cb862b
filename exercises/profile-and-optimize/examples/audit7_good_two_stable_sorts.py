# GOOD: Counter fed with itertools.chain of findall results, then two stable sorts (word ascending, then count descending)
import re
from collections import Counter
from itertools import chain
from operator import itemgetter

_findall = re.compile(r"[a-z']+").findall


def top_words(docs, k, stopwords):
    counts = Counter(chain.from_iterable(_findall(d.lower()) for d in docs))
    for s in {s.lower() for s in stopwords}:
        if s in counts:
            del counts[s]
    items = sorted(counts.items(), key=itemgetter(0))
    items.sort(key=itemgetter(1), reverse=True)  # stable: equal counts stay in word order
    return items[:k] if k > 0 else []
