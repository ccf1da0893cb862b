# BUG: words are maximal runs of a-z and ' (uses \w+, so digits/underscores/non-ASCII join words and apostrophes split them)
import re
from collections import Counter

_WORD = re.compile(r"\w+")


def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    stop = {s.lower() for s in stopwords}
    counts = Counter(w for w in _WORD.findall("\n".join(docs).lower()) if w not in stop)
    return sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:k]
