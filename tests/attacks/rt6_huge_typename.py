"""ATTACK (f,e): wrong functions returning objects whose class name is 24 MB
long (the worker names a handle's type by its __name__: `$h` [id, name])
and raising an exception class with a 24 MB name and a 24 MB message."""
_NAME = "T" * (24 << 20)
Big = type(_NAME, (), {"__iter__": lambda self: iter(["x"]), "__next__": lambda self: "x"})
BigError = type(_NAME, (ValueError,), {})


def clean_tokens(words):
    raise BigError("m" * (24 << 20))


def iter_clean_tokens(words):
    return Big()
