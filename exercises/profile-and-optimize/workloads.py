"""Sized workloads of profile-and-optimize, for `pyharness compare`.

Each workload_<name>(sub, h, n) builds its input outside the measurement and
returns a callable that does the work once (docs/exercise-format.md).
`pyharness compare profile-and-optimize mine.py --against baseline` shows
how the profile-guided fixes change the growth.
"""

import random

WORKLOADS = {
    "top_words": {
        "sizes": [10, 100, 1000],
        "unit": "documents",
        "clock": "cpu",
        "description": "top_words(docs, 10, stopwords) over n documents of about 40 words drawn "
                       "from a vocabulary that grows with n.",
    },
}

SYLLABLES = ["ka", "to", "ri", "mo", "ne", "sa", "lu", "vi", "po", "de", "tra", "gen"]
STOPWORDS = ["the", "a", "of", "and", "to", "in", "is", "it"]


def workload_top_words(sub, h, n):
    rng = random.Random(n)
    vocab = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
             for _ in range(20 + 2 * n)] + STOPWORDS
    docs = [" ".join(rng.choice(vocab).capitalize() if rng.random() < 0.1 else rng.choice(vocab)
                     for _ in range(40)) + "." for _ in range(n)]
    return lambda: sub.top_words(docs, 10, STOPWORDS)
