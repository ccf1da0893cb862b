"""Attack: forge: dict keys cut at an embedded NUL compare equal to the expected ones."""


def value():
    return [1, 2, 3]


def keys():
    return {"k\0fake": 1}
