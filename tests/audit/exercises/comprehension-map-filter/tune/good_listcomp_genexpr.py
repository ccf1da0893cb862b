# GOOD: list comprehension with the walrus operator; generator expression for the lazy twin


def clean_tokens(words):
    return [t for w in words if (t := w.strip().lower())]


def iter_clean_tokens(words):
    return (t for w in words if (t := w.strip().lower()))
