"""Reference for running-mean."""


def running_mean(values):
    total = 0.0
    count = 0
    for v in values:
        total += v
        count += 1
        yield total / count
