import re


def word_counts(text):
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    result = {}
    for w in words:
        if w not in result:
            result[w] = words.count(w)
    return result


def top_words(text, k):
    counts = word_counts(text)
    best = sorted(counts, key=lambda w: (-counts[w], w))
    return [(w, counts[w]) for w in best[:k]]
