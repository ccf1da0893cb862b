"""Fast and right, but lower-cases the caller's stopword list in place: the
input must be left as it was (a check that sends a copy could not see it)."""
import collections
import re


def top_words(docs, k, stopwords):
    for i, word in enumerate(stopwords):
        stopwords[i] = word.lower()
    stop = set(stopwords)
    counts = collections.Counter(
        word for doc in docs for word in re.findall(r"[a-z']+", doc.lower()) if word not in stop
    )
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:k]
