"""Control for nul_keys.py: the same wrong key, without the NUL."""


def value():
    return [1, 2, 3]


def keys():
    return {"kfake": 1}
