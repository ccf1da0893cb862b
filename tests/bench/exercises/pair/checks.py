def check_small(sub, h):
    return [sub.total(n) for n in (0, 1, 10, 1000)]
