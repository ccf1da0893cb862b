def word_counts(text):
    return {}
