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
CPU time, on a corpus made for the run: the speed
check's bound and the speed-ups that earn full and no performance marks are
in the grading terms at the end of this file.
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


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - basic (5.5 points, stopped after 20 s): counts lower-cased words, drops stopwords,
#     ranks by count
#   - ties (8.2 points, stopped after 20 s): equal counts are ordered by word, also when k
#     cuts through a tie
#   - edge_cases (5.5 points, stopped after 20 s): k = 0, k larger than the vocabulary, no
#     documents, empty documents, only stopwords, no words at all
#   - speed (8.2 points, stopped after 40 s): a generated corpus of 3,000 documents (about
#     120,000 words, 3,000 distinct): same top 25 as the baseline, and at least 2x faster
#     than it (CPU time, on a corpus made for the run)
#   - apostrophes_and_case (8.2 points, stopped after 20 s): apostrophes inside, around and
#     alone, upper and mixed case, hyphens, digits, underscores, non-ASCII letters and
#     whitespace as separators
#   - stopword_case (5.5 points, stopped after 20 s): stopwords are compared after lower-
#     casing; duplicates, apostrophes and stopwords that can never match
#   - random_inputs (10.9 points, stopped after 20 s): 150 small random inputs full of ties,
#     with k from 0 to 50
#   - medium_corpus (5.5 points, stopped after 20 s): a 300-document corpus: top 50, and the
#     whole vocabulary
#   - inputs_unchanged (2.7 points, stopped after 20 s): the input lists are not modified,
#     and calling again with the same input gives the same answer
# Performance (20 points), only once the check speed passes: CPU time on the 3,000-document
# corpus, median of 5 runs; full marks at 2.00x slower than the reference or better, none at
# 20.0x slower or worse, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
