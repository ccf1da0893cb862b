# CONTROL: the same leaky lazy cleaner, keeping every token it yields in a
# Python list (an honest memory leak that memory_constant should fail).
_SEEN = bytearray()


def clean_tokens(words):
    return [t for t in map(str.lower, map(str.strip, words)) if t]


def iter_clean_tokens(words):
    for w in words:
        t = w.strip().lower()
        if t:
            _SEEN.extend(t.encode() + b"\n")  # the leak
            yield t
