"""Attack: forge: a dict whose only key is "$tuple" serialised exactly like a tuple."""


def value():
    return {"$tuple": [1, 2, 3]}


def keys():
    return {"wrong": 1}
