"""Sized workloads of wordfreq, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (see docs/exercise-format.md).
"""

WORKLOADS = {
    "top_words": {
        "sizes": [1000, 10000, 100000],
        "unit": "words",
        "clock": "cpu",
        "description": "top_words(text, 5) on a text of n words, one in ten distinct.",
    },
}


def _text(n):
    distinct = max(1, n // 10)
    return " ".join("w%d" % ((i * 7919) % distinct) for i in range(n))


def workload_top_words(sub, h, n):
    text = _text(n)
    return lambda: sub.top_words(text, 5)
