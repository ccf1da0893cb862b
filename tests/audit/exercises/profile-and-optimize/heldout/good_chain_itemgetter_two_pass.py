# GOOD: Counter over itertools.chain of per-doc findall, stopwords removed by key-set intersection, two itemgetter sorts
import re
from collections import Counter
from itertools import chain
from operator import itemgetter

_findall = re.compile(r"[a-z']+").findall


def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    counts = Counter(chain.from_iterable(_findall(d.lower()) for d in docs))
    for s in set(s.lower() for s in stopwords) & counts.keys():
        del counts[s]
    ranked = sorted(sorted(counts.items(), key=itemgetter(0)), key=itemgetter(1), reverse=True)
    return ranked[:k]
