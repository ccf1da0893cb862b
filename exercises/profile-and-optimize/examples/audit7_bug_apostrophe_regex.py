# BUG: an apostrophe belongs to the word, also leading/trailing ones and runs of apostrophes alone (only inner apostrophes kept)
import re
from collections import Counter

_findall = re.compile(r"[a-z]+(?:'[a-z]+)*").findall


def top_words(docs, k, stopwords):
    stop = {s.lower() for s in stopwords}
    counts = Counter(w for d in docs for w in _findall(d.lower()) if w not in stop)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
