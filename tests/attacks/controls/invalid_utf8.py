"""Control for invalid_utf8.py: the same wrong answers, printing nothing."""


def value():
    return [1, 2, 3]


def keys():
    raise ValueError("wrong")
