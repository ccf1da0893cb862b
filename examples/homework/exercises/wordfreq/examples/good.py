import re
from collections import Counter


def word_counts(text):
    return dict(Counter(w.lower() for w in re.findall(r"[^\W\d_]+", text)))


def top_words(text, k):
    return sorted(word_counts(text).items(), key=lambda kv: (-kv[1], kv[0]))[:k]
