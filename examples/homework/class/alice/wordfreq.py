import re
from collections import Counter

WORD_PATTERN = re.compile(r"[^\W\d_]+")


def tokenize(document):
    """All words of the document, lower-cased."""
    found = WORD_PATTERN.findall(document)
    lowered = [token.lower() for token in found]
    return lowered


def word_counts(text):
    tally = Counter()
    for token in tokenize(text):
        tally[token] += 1
    return dict(tally)


def top_words(text, k):
    tally = word_counts(text)
    ranked = sorted(tally.items(), key=lambda pair: (-pair[1], pair[0]))
    if k <= 0:
        return []
    return ranked[:k]
