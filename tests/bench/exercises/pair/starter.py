def total(n):
    raise NotImplementedError
