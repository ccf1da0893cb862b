import re
from collections import Counter

_cache = []


def word_counts(text):
    words = re.findall(r"[^\W\d_]+", text)
    _cache.append([w.lower() * 20000 for w in words])
    return dict(Counter(w.lower() for w in words))


def top_words(text, k):
    pairs = list(word_counts(text).items())
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return pairs[:k]
