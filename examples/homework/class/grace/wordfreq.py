import re


def word_counts(text):
    table = {}
    for m in re.finditer(r"[^\W\d_]+", text):
        key = m.group(0).lower()
        table[key] = table.get(key, 0) + 1
    return table


def top_words(text, k):
    table = word_counts(text)
    return sorted(table.items(), key=lambda e: (-e[1], e[0]))[:k]
