"""Control for dollar_tuple.py: the same wrong types, without the tag."""


def value():
    return {"tuple": [1, 2, 3]}


def keys():
    return {"wrong": 1}
