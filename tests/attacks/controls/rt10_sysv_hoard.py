# CONTROL: the same 1.5 GiB held in plain anonymous memory (a bytes object).
_HOARD = [b"\x5a" * (32 << 20) for _ in range(48)]


def clean_tokens(words):
    return [t for t in map(str.lower, map(str.strip, words)) if t]


def iter_clean_tokens(words):
    return (t for t in map(str.lower, map(str.strip, words)) if t)
