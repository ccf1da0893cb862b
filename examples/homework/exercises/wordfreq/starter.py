"""Count words in one pass."""


def word_counts(text):
    """Return {word: count} for the lower-cased words (runs of letters) of text."""
    raise NotImplementedError


def top_words(text, k):
    """Return the k most frequent (word, count) pairs, most frequent first, ties by word."""
    raise NotImplementedError
