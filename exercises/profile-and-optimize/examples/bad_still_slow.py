"""Optimised by guesswork: the regex is compiled once and the stopwords are a
set (the first things that looked slow), but the profile's real hot spots
stay: counting still searches a list of every word seen so far."""
import re
from functools import cmp_to_key

_TOKEN = re.compile(r"[a-z']+")


def _by_count_then_word(a, b):
    if a[1] != b[1]:
        return b[1] - a[1]
    return -1 if a[0] < b[0] else (1 if a[0] > b[0] else 0)


def top_words(docs, k, stopwords):
    stop = {s.lower() for s in stopwords}
    seen, counts = [], []
    for doc in docs:
        for word in _TOKEN.findall(doc.lower()):
            if word in stop:
                continue
            if word in seen:
                counts[seen.index(word)] += 1
            else:
                seen.append(word)
                counts.append(1)
    pairs = sorted(zip(seen, counts), key=cmp_to_key(_by_count_then_word))
    return pairs[:k] if k > 0 else []
