# BAD: the baseline's own code, with answers cached by the identity of the inputs: a repeated call on the same list is free, fresh inputs gain nothing

import re
from functools import cmp_to_key


def _by_count_then_word(a, b):
    if a[1] != b[1]:
        return b[1] - a[1]
    if a[0] < b[0]:
        return -1
    if a[0] > b[0]:
        return 1
    return 0


def _slow_top_words(docs, k, stopwords):
    seen = []      # words in order of first appearance
    counts = []    # counts[i] is how often seen[i] occurs
    for doc in docs:
        pattern = re.compile(r"[a-z']+")
        stop = [s.lower() for s in stopwords]
        text = ""
        for ch in doc:
            text = text + ch.lower()
        for word in pattern.findall(text):
            if word in stop:
                continue
            if word in seen:
                counts[seen.index(word)] += 1
            else:
                seen.append(word)
                counts.append(1)
    pairs = []
    for i in range(len(seen)):
        pairs.append((seen[i], counts[i]))
    pairs = sorted(pairs, key=cmp_to_key(_by_count_then_word))
    result = []
    for pair in pairs:
        if len(result) < k:
            result.append(pair)
    return result


_cache = {}


def top_words(docs, k, stopwords):
    key = (id(docs), k, id(stopwords))
    if key not in _cache:
        _cache[key] = _slow_top_words(docs, k, stopwords)
    return list(_cache[key])
