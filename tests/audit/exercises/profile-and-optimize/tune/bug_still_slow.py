# BUG: at least five times faster than the baseline (counts each distinct word with list.count: quadratic)
import re

_WORD = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    stop = [s.lower() for s in stopwords]
    words = []
    for doc in docs:
        for w in _WORD.findall(doc.lower()):
            if w not in stop:
                words.append(w)
    counts = [(w, words.count(w)) for w in set(words)]
    counts.sort(key=lambda wc: (-wc[1], wc[0]))
    return counts[:k]
