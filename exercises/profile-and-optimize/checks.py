"""Observation checks for profile-and-optimize.

Every check calls top_words and returns its output: the supervisor compares
it, type-strictly, with the reference's.  The checks run in the check runner,
outside the submission's process: `sub` is a proxy whose calls are requests,
and the lists passed cross by value.  The speed check times one request
that carries its corpus and calls top_words on it (an `@inside` function),
so the corpus is in the worker only once the clock runs; it also runs on
baseline.py in its own run (rules read base.measure.corpus.run_cpu_ns), so
the speed-up over the baseline is measured in C, outside the candidate's
process.  Inputs are
fixed (the visible checks' and a few hand-written edge cases, in an order
drawn per grading) or drawn from the grading's secret seed (h.rng): new in
every grading, the same for the reference, the baseline and the candidate.
"""

import itertools
import random

from pyharness.checklib import inside

STOPWORDS = [
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "could", "did", "do", "does", "doesn't", "don't",
    "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "he",
    "her", "here", "his", "how", "i", "if", "in", "into", "is", "isn't", "it", "it's", "its",
    "just", "me", "more", "most", "my", "no", "not", "of", "off", "on", "once", "only", "or",
    "other", "our", "out", "over", "own", "same", "she", "should", "so", "some", "such",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "under", "until", "up", "very", "was", "wasn't", "we",
    "were", "what", "when", "where", "which", "while", "who", "why", "will", "with",
    "would", "you", "your", "The", "AND", "Of", "It's", "Don't",
]

SYLLABLES = ["ka", "to", "ri", "mo", "ne", "sa", "lu", "vi", "po", "de", "tra", "gen", "mod",
             "el", "ten", "sor", "grad", "ent", "lay", "er", "norm", "ba", "tch", "ing", "ed",
             "ion", "ver", "lo", "ss", "emb", "at", "tion", "qu", "ant", "x", "zy"]

PUNCTUATION = [",", ".", ";", ":", "!", "?", " -", " (1)", " 42", " 3.5%", "...", "\n"]


def make_corpus(seed, n_docs, vocab_size, mean_words):
    """A deterministic, realistic corpus: Zipf-distributed words, about a third
    of them stopwords, mixed case, possessives, punctuation and numbers."""
    rng = random.Random(seed)
    vocab = set()
    while len(vocab) < vocab_size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.05:
            word += "'s"
        vocab.add(word)
    vocab = sorted(vocab)
    rng.shuffle(vocab)
    # Cumulative once: rng.choices(weights=...) would sum them again for every
    # document (the same draws either way).
    cum_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocab))))
    stop = [s.lower() for s in STOPWORDS]
    docs = []
    for _ in range(n_docs):
        n = max(1, int(rng.expovariate(1.0 / mean_words)))
        tokens = []
        for word in rng.choices(vocab, cum_weights=cum_weights, k=n):
            r = rng.random()
            if r < 0.35:
                word = rng.choice(stop)
            elif r < 0.40:
                word = word.capitalize()
            elif r < 0.42:
                word = word.upper()
            tokens.append(word)
            if rng.random() < 0.08:
                tokens.append(rng.choice(PUNCTUATION))
        docs.append(" ".join(tokens).replace(" ,", ",").replace(" .", ".").replace(" ;", ";"))
    return docs


def _small_case(rng):
    """A small random input with many ties."""
    words = ["alpha", "beta", "gamma", "delta", "it's", "don't", "o'neil", "x", "zeta", "eta",
             "the", "and", "of", "'tis", "dogs'", "b", "aa", "a"]
    docs = []
    for _ in range(rng.randint(0, 6)):
        toks = []
        for _ in range(rng.randint(0, 12)):
            w = rng.choice(words)
            r = rng.random()
            if r < 0.2:
                w = w.upper()
            elif r < 0.3:
                w = w.title()
            toks.append(w)
            toks.append(rng.choice([" ", " ", ", ", ". ", "-", "1", "\t", "!"]))
        docs.append("".join(toks))
    stop = rng.sample(["the", "The", "AND", "of", "It's", "x", "Zeta", "b", "nothing"],
                      rng.randint(0, 4))
    k = rng.choice([0, 1, 2, 3, 5, 8, 50])
    return docs, k, stop


# ---- visible ----

def check_basic(sub, h):
    docs = [
        "The cat sat on the mat.",
        "The dog sat on the log, and the cat watched.",
        "A cat, a dog; a log!",
    ]
    return {
        "top3": sub.top_words(docs, 3, ["the", "a", "on", "and"]),
        "top10": sub.top_words(docs, 10, ["the", "a", "on", "and"]),
        "no_stopwords": sub.top_words(docs, 4, []),
    }


def check_ties(sub, h):
    docs = ["pear apple fig", "fig apple pear", "kiwi date", "date kiwi", "plum"]
    return {
        "all": sub.top_words(docs, 10, []),
        "cut_inside_tie": sub.top_words(docs, 2, []),
        "cut_at_5": sub.top_words(docs, 5, []),
        "ties_after_stopword": sub.top_words(docs + ["fig fig"], 3, ["FIG"]),
    }


def check_edge_cases(sub, h):
    docs = ["one two two three three three"]
    return {
        "k0": sub.top_words(docs, 0, []),
        "k_larger_than_vocabulary": sub.top_words(docs, 100, []),
        "no_docs": sub.top_words([], 5, ["a"]),
        "empty_strings": sub.top_words(["", "", "   "], 5, []),
        "only_stopwords": sub.top_words(["The AND the and THE"], 5, ["the", "and"]),
        "only_punctuation_and_digits": sub.top_words(["123 4.5 !!! -- ??"], 5, []),
    }


@inside
def top_words_of(sub, docs, k, stopwords):
    """top_words on a corpus that arrives with this request: the timed request
    carries its own input, so nothing it needs is in the worker before the
    runner's clock starts (decoding it costs the reference, the baseline and
    the candidate alike, about a millisecond next to tens of milliseconds of
    counting)."""
    return sub.top_words(docs, k, stopwords)


def check_speed(sub, h):
    # CPU time (single-threaded code, so a busy machine barely moves it), the
    # median of 5 runs, each on a corpus of its own drawn from the grading's
    # seed (the same as the reference's and the baseline's, new in every
    # grading).  The corpus is made here, in the runner, and sent in the
    # timed request itself: a worker that reads its requests ahead learns it
    # only when the clock already runs.  Five runs: the reference takes about
    # 25 ms of CPU on one corpus, a few kernel ticks, and the performance
    # marks are measured against it.  A submission slow enough for five runs
    # to matter (the baseline's 0.5 s each) fails the 2x bound anyway.
    repeat = 5
    corpora = [make_corpus(h.rng(f"speed-{run}").getrandbits(64), 3000, 3000, 40)
               for run in range(repeat)]

    def fresh(run):
        return (sub, corpora[run], 25, STOPWORDS)

    return h.measure("corpus", top_words_of, repeat=repeat, fresh=fresh)


# ---- hidden ----

def check_apostrophes_and_case(sub, h):
    docs = [
        "Don't stop: DON'T STOP, don't Stop!",
        "It's the dogs' toys and O'Neil's rock'n'roll, 'tis said.",
        "'quoted' words and '' lone '' apostrophes ' here",
        "HELLO hello HeLLo hELLO",
        "state-of-the-art snake_case abc123def x2y",
        "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber",
        "tabs\tand\nnewlines\r\nsplit words",
    ]
    h.rng("apostrophes_and_case").shuffle(docs)  # the order of documents never matters
    return {
        "all": sub.top_words(docs, 100, []),
        "with_stopwords": sub.top_words(docs, 100, ["the", "and", "it's"]),
        "top5": sub.top_words(docs, 5, ["STOP"]),
    }


def check_stopword_case(sub, h):
    docs = ["The the THE tHe of OF Of and AND And ml ML mL models Models it's IT'S"]
    return {
        "mixed_case_stopwords": sub.top_words(docs, 10, ["THE", "Of", "aNd"]),
        "duplicates": sub.top_words(docs, 10, ["the", "The", "THE", "the"]),
        "apostrophe_stopword": sub.top_words(docs, 10, ["IT'S"]),
        "never_matching": sub.top_words(docs, 10, ["", "e-mail", "ml models", "\u00e9"]),
        "stopword_is_the_top_word": sub.top_words(docs, 2, ["ml"]),
    }


def check_random_inputs(sub, h):
    # Drawn from the grading's secret seed: new inputs in every grading, the
    # same for the reference it is compared with, unknown to the submission.
    rng = h.rng("random_inputs")
    return [sub.top_words(*_small_case(rng)) for _ in range(150)]


def check_medium_corpus(sub, h):
    docs = make_corpus(h.rng("medium_corpus").getrandbits(64), 300, 400, 30)
    return {
        "top50": sub.top_words(docs, 50, STOPWORDS),
        "everything": sub.top_words(docs, 10_000, STOPWORDS[:20]),
    }


@inside
def calls_on_own_lists(sub, docs, stop):
    """Three calls on the same lists of the worker's own (a list sent by value
    could not show a change), one on another input in between."""
    docs_copy, stop_copy = list(docs), list(stop)
    first = sub.top_words(docs, 3, stop)
    second = sub.top_words(docs, 3, stop)
    sub.top_words(["different input entirely"], 3, [])
    third = sub.top_words(docs, 3, stop)
    # Only what this check is about: the inputs, and the same answer for the
    # same input every time (a wrong ranking is other checks' business).
    return {
        "docs_unchanged": docs == docs_copy,
        "stopwords_unchanged": stop == stop_copy,
        "same_answer_when_called_again": first == second == third,
    }


def check_inputs_unchanged(sub, h):
    rng = h.rng("inputs_unchanged")
    docs, _k, stop = _small_case(rng)
    return calls_on_own_lists(sub, docs + ["Some Words, some words", "and more WORDS"],
                              stop + ["And", "more"])
