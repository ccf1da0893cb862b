"""Profile, then optimise: the fastest correct top_words you can write.

baseline.py (shipped with this exercise) holds a top_words that is correct but
slow, in the ways real code is slow.  Do not guess where its time goes:
measure it first, for example

    import cProfile, pstats
    cProfile.run("baseline.top_words(docs, 20, stopwords)", "prof.out")
    pstats.Stats("prof.out").sort_stats("cumulative").print_stats(15)

on a corpus of a few thousand documents, fix the biggest cost, measure again,
and check that the output has not changed.  Your version is timed against the
baseline on a generated corpus of about 3,000 documents (120,000 words), in
CPU time, as the median of several runs on corpora of their own.  The speed
check passes when yours is at least 2x faster than the baseline; the
performance score then grows with the speed-up, from none at 1x to full
marks from 5x.
"""


def top_words(docs, k, stopwords):
    """The `k` most frequent words of `docs` with their counts.

    Exact contract (the output must be identical to the baseline's, ties
    included):

    - Words: lower-case each document with str.lower(), then every maximal run
      of the characters a-z and ' (apostrophe) is a word, i.e.
      re.findall(r"[a-z']+", doc.lower()).  Digits, punctuation, hyphens,
      underscores and non-ASCII letters separate words ("state-of-the-art"
      gives 4 words, "café" gives "caf"); an apostrophe belongs to the word
      ("don't", "dogs'", "'tis"), and a run of apostrophes alone is a word too.
    - Stopwords are compared after lower-casing them: a word is dropped when
      it equals s.lower() for some s in `stopwords` ("The" drops "the").
    - Result: a list of (word, count) tuples, sorted by count descending,
      then by word ascending (plain string order, so "'tis" < "apple"), cut
      to the first `k`.  k == 0 gives []; a k larger than the number of
      distinct words gives them all; no documents, or only stopwords, give [].
    - `docs` and `stopwords` are lists of str and are not modified.

    >>> top_words(["The cat and the hat.", "A cat!"], 2, ["the", "A", "and"])
    [('cat', 2), ('hat', 1)]
    """
    raise NotImplementedError
