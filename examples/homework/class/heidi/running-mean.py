def running_mean(values):
    count = total = 0
    for v in values:
        count += 1
        total += v
        yield total / count
