/*
 * words.c - see words.h.
 */
#include "words.h"

#include <string.h>

int words_in(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

/* Words that glue an explanation together; a list of terms has almost none. */
static const char *const function_words[] = {
    "a",       "an",      "the",    "is",       "are",     "was",   "were",   "be",
    "been",    "being",   "am",     "it",       "its",     "this",  "that",   "these",
    "those",   "they",    "them",   "their",    "there",   "here",  "which",  "who",
    "whose",   "what",    "when",   "where",    "while",   "why",   "how",    "so",
    "because", "since",   "as",     "if",       "then",    "than",  "thus",   "therefore",
    "hence",   "but",     "and",    "or",       "nor",     "not",   "no",     "of",
    "to",      "in",      "on",     "at",       "by",      "for",   "with",   "from",
    "into",    "over",    "about",  "after",    "before",  "until", "during", "through",
    "between", "without", "within", "instead",  "rather",  "each",  "every",  "all",
    "any",     "some",    "both",   "either",   "neither", "one",   "can",    "could",
    "will",    "would",   "should", "may",      "might",   "must",  "do",     "does",
    "did",     "has",     "have",   "had",      "you",     "your",  "we",     "our",
    "i",       "my",      "me",     "also",     "only",    "just",  "very",   "more",
    "most",    "less",    "much",   "many",     "such",    "same",  "other",  "another",
    "own",     "whereas", "unless", "although", "though",  "once",  "still",  "even",
    "get",     "gets",    "let",    "lets",     "makes",   "make",  "never",  "like",
};

/* Words that state a reason, a consequence or a contrast. */
static const char *const connectives[] = {
    "because",  "so",      "since",   "therefore", "thus",     "hence",     "while",
    "whereas",  "instead", "which",   "when",      "whenever", "unless",    "until",
    "although", "though",  "but",     "however",   "rather",   "otherwise", "meaning",
    "means",    "if",      "whereby", "then",      "once",
};

/* Words that start a new clause: a contrast or a concession. */
static const char *const clause_openers[] = {
    "but", "while", "whilst", "whereas", "although", "though", "however", "unlike", "except",
};

int words_is_function(const char *w)
{
    return WORDS_IN(w, function_words);
}

int words_is_connective(const char *w)
{
    return WORDS_IN(w, connectives);
}

int words_is_clause_opener(const char *w)
{
    return WORDS_IN(w, clause_openers);
}
