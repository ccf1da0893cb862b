"""Reference for wordfreq."""
import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+")


def word_counts(text):
    return dict(Counter(w.lower() for w in _WORD.findall(text)))


def top_words(text, k):
    counts = word_counts(text)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
