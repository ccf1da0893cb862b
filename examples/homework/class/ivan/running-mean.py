def running_mean(values):
    seen = 0
    acc = 0.0
    for value in values:
        seen += 1
        acc += value
        yield acc / seen
