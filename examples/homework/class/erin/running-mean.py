def running_mean(values):
    kept = []
    total = 0
    for v in values:
        kept.append((v, [v] * 8))
        total += v
        yield total / len(kept)
