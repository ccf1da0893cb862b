"""CONTROL: a slow (but correct) top_words computed in the worker itself."""
import re


def _slow_top_words(docs, k, stopwords):
    stop = [s.lower() for s in stopwords]
    counts = {}
    for _ in range(8):  # deliberately slow: the whole job eight times
        counts = {}
        for doc in docs:
            for w in re.findall(r"[a-z']+", doc.lower()):
                if w in stop:  # list scan: slow
                    continue
                counts[w] = counts.get(w, 0) + 1
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:k] if k > 0 else []


def top_words(docs, k, stopwords):
    return _slow_top_words(docs, k, stopwords)
