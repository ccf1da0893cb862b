"""The stability benchmark's pair, timed on either clock."""

WORKLOADS = {
    "cpu": {"sizes": [20000], "unit": "items", "clock": "cpu", "description": "total(n), CPU time."},
    "wall": {"sizes": [20000], "unit": "items", "clock": "wall", "description": "total(n), wall time."},
}


def workload_cpu(sub, h, n):
    return lambda: sub.total(n)


def workload_wall(sub, h, n):
    return lambda: sub.total(n)
