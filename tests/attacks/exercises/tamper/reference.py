"""Model answers for the tamper fixture."""


def value():
    return (1, 2, 3)


def keys():
    return {"k\0real": 1}
