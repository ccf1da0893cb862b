# GOOD: re.sub non-word runs to spaces then str.split, plain dict.get counting, sort by key tuple
import re

_NONWORD = re.compile(r"[^a-z']+")


def top_words(docs, k, stopwords):
    if k <= 0 or not docs:
        return []
    text = _NONWORD.sub(" ", " ".join(docs).lower())
    stop = {s.lower() for s in stopwords}
    counts = {}
    get = counts.get
    for w in text.split():
        counts[w] = get(w, 0) + 1
    for s in stop:
        counts.pop(s, None)
    items = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))
    return items[:k]
