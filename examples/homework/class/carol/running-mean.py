def running_mean(values):
    for v in values:
        yield total / count
