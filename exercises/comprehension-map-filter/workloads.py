"""Sized workloads of comprehension-map-filter, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds an input of size n outside the
measurement and returns a callable that does the work once; the harness
times that callable (see docs/exercise-format.md).
"""

WORKLOADS = {
    "clean_tokens": {
        "sizes": [1000, 10000, 100000],
        "unit": "words",
        "clock": "cpu",
        "description": "clean_tokens(words) on n words, a third of them blank after stripping.",
    },
    "iter_clean_tokens": {
        "sizes": [1000, 10000, 100000],
        "unit": "words",
        "clock": "cpu",
        "description": "Draining iter_clean_tokens(words) over n words one token at a time.",
    },
}

_PATTERN = ["  Alpha", "BETA  ", "", "   ", "\tGamma\n", "Delta Epsilon"]


def _words(n):
    return [_PATTERN[i % len(_PATTERN)] + str(i % 97) if i % 3 else "  " for i in range(n)]


def workload_clean_tokens(sub, h, n):
    words = _words(n)
    return lambda: sub.clean_tokens(words)


def workload_iter_clean_tokens(sub, h, n):
    words = _words(n)

    def drain():
        for _ in sub.iter_clean_tokens(iter(words)):
            pass

    return drain
