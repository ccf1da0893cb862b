import re
from collections import Counter


def word_counts(text):
    return dict(Counter(w.lower() for w in re.findall(r"[^\W\d_]+", text)))


def top_words(text, k):
    return Counter(word_counts(text)).most_common(k)
