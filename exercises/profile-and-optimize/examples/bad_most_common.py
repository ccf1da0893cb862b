"""Fast, but Counter.most_common breaks ties by first appearance, not by word."""
import re
from collections import Counter

_TOKEN = re.compile(r"[a-z']+")


def top_words(docs, k, stopwords):
    stop = {s.lower() for s in stopwords}
    counts = Counter()
    for doc in docs:
        counts.update(w for w in _TOKEN.findall(doc.lower()) if w not in stop)
    return counts.most_common(k)
