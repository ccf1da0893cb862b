"""Allocation-heavy workloads for `make bench` (also exec'd by bench_core.py in plain python3).

The workloads are @inside: they run in the worker, whose allocator is the one measured.
"""
import json

from pyharness.checklib import inside

REPEAT = 5


@inside
def w_dicts():
    rows = [{"id": i, "name": str(i), "vals": [i, i + 1]} for i in range(150000)]
    return len(rows)


@inside
def w_strings():
    parts = []
    for i in range(300000):
        parts.append(f"{i}:{i * i}")
    return len(",".join(parts))


@inside
def w_json_round_trip():
    data = [{"id": i, "tags": ["a", "b", str(i)], "score": i / 7} for i in range(40000)]
    return len(json.loads(json.dumps(data)))


@inside
def w_objects():
    class Point:
        def __init__(self, x, y):
            self.x = x
            self.y = y

    pts = [Point(i, -i) for i in range(200000)]
    return sum(p.x for p in pts)


WORKLOADS = {"dicts": w_dicts, "strings": w_strings, "json_round_trip": w_json_round_trip,
             "objects": w_objects}


def check_dicts(sub, h):
    return h.measure("w", w_dicts, repeat=REPEAT)


def check_strings(sub, h):
    return h.measure("w", w_strings, repeat=REPEAT)


def check_json_round_trip(sub, h):
    return h.measure("w", w_json_round_trip, repeat=REPEAT)


def check_objects(sub, h):
    return h.measure("w", w_objects, repeat=REPEAT)
