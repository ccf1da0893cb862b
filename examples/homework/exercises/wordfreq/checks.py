"""Observation checks for wordfreq."""


def _text(n, distinct):
    return " ".join("w%s" % chr(97 + (i * 7919) % distinct % 26) + "x" * ((i * 31) % distinct // 26)
                    for i in range(n))


def check_counts_basic(sub, h):
    return sub.word_counts("the cat and The dog and THE bird")


def check_counts_edge(sub, h):
    return {
        "empty": sub.word_counts(""),
        "punct": sub.word_counts("hello, world! hello... world2world; Hello"),
        "spaces": sub.word_counts("   \n\t  "),
    }


def check_top_basic(sub, h):
    text = "b a c b a b d e e e e"
    return [list(p) for p in sub.top_words(text, 3)]


def check_top_ties(sub, h):
    text = "pear apple fig apple pear fig kiwi"
    return {"two": [list(p) for p in sub.top_words(text, 2)],
            "many": [list(p) for p in sub.top_words(text, 10)]}


def check_speed(sub, h):
    text = _text(20000, 2000)
    # CPU time (graded), the median of 5 runs: one run of a few milliseconds
    # is at the mercy of one preemption on a busy machine.
    top = h.measure("top", sub.top_words, text, 5, repeat=5)
    return [list(p) for p in top]
