def running_mean(values):
    values = list(values)
    out, total = [], 0
    for i, v in enumerate(values):
        total += v
        out.append(total / (i + 1))
    return out
