def running_mean(values):
    total = 0
    for i, v in enumerate(values, 1):
        total += v
        yield total / i
