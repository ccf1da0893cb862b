def running_mean(values):
    n, s = 0, 0
    for x in values:
        n, s = n + 1, s + x
        yield s / n
