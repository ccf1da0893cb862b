def word_counts(text):
    counts = {}
    for raw in text.split():
        w = raw.strip(".,!?;").lower()
        if w:
            counts[w] = counts.get(w, 0) + 1
    return counts


def top_words(text, k):
    c = word_counts(text)
    return sorted(c.items(), key=lambda x: x[1], reverse=True)[:k]
