def running_mean(values):
    i = 0
    s = 0
    for v in values:
        i = i + 1
        s = s + v
        yield s / i
