# GOOD: an iterator class with __next__; eager version via nested comprehension


class _CleanIter:
    __slots__ = ("_src",)

    def __init__(self, words):
        self._src = words  # iter() deferred until the first next()

    def __iter__(self):
        return self

    def __next__(self):
        src = self._src
        if not hasattr(src, "__next__"):
            src = self._src = iter(src)
        while True:
            t = next(src).strip()
            if t:
                return t.lower()


def clean_tokens(words):
    return [t.lower() for t in [w.strip() for w in words] if t]


def iter_clean_tokens(words):
    return _CleanIter(words)
