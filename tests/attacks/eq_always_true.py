"""Attack: forge: objects whose __eq__ is always True."""
class Anything(list):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = None


def batched(iterable, size):
    if size < 1:
        raise ValueError(size)
    yield Anything()


def read_jsonl(path):
    yield Anything()
