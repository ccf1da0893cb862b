# GOOD: nested generator expression inside a comprehension; the lazy one as an iterator class (__iter__/__next__)
def clean_tokens(words):
    return [s.lower() for s in (w.strip() for w in words) if s]


class _CleanTokens:
    __slots__ = ("_source", "_it")

    def __init__(self, words):
        self._source = words
        self._it = None  # iter() is taken on first use, not when created

    def __iter__(self):
        return self

    def __next__(self):
        if self._it is None:
            self._it = iter(self._source)
        for w in self._it:
            w = w.strip()
            if w:
                return w.lower()
        raise StopIteration


def iter_clean_tokens(words):
    return _CleanTokens(words)
