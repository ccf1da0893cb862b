# BUG: str.strip() strips any Unicode whitespace (strips only " \t\n\r")


def clean_tokens(words):
    return [t for t in (w.strip(" \t\n\r").lower() for w in words) if t]


def iter_clean_tokens(words):
    return (t for t in (w.strip(" \t\n\r").lower() for w in words) if t)
