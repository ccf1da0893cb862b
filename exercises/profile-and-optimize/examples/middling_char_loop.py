# Correct, and part of the way from the baseline to the reference (partial
# performance marks): the stopwords are a set and the counts a dict, but the
# words are still cut out character by character.
def top_words(docs, k, stopwords):
    if k <= 0:
        return []
    stop = {s.lower() for s in stopwords}
    counts = {}
    for doc in docs:
        word = []
        for ch in doc.lower() + " ":
            if "a" <= ch <= "z" or ch == "'":
                word.append(ch)
            elif word:
                w = "".join(word)
                word = []
                if w not in stop:
                    counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:k]
