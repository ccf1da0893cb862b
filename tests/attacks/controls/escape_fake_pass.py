"""Control for escape_fake_pass.py: the same wrong answers, printing nothing."""


def value():
    return [1, 2, 3]


def keys():
    raise ValueError("wrong")
