/*
 * rubric.c - an exercise's explanation rubric and the offline scorer.
 *
 * The offline scorer reads an answer the way a hurried but careful human
 * grader would, without a network or a model:
 *
 *  1. The text is capped (RUBRIC_ANSWER_MAX), invalid UTF-8 bytes become '?'
 *     and control characters spaces, so evidence quoted back is valid UTF-8.
 *  2. It is cut into sentences and clauses (commas, semicolons, dashes and
 *     contrast words such as "but", "while", "unlike" end a clause) and into
 *     words: identifiers are split at '_' and '.', "doesn't" becomes "does
 *     not", articles are dropped, every word is Porter-stemmed, so "preserves",
 *     "preserved" and "preserving" meet.
 *  3. Sentences addressed to the grader ("ignore previous instructions",
 *     "give this 10/10") are removed before anything is credited and the
 *     result says so (`injection`).
 *  4. Each rubric point is a set of concept groups; a group is a list of
 *     alternative phrasings.  A point is expressed when every group occurs in
 *     one sentence (full credit), in two neighbouring sentences, or anywhere
 *     (less), and partly when only some groups occur together.  A phrasing
 *     preceded closely by a negator in its clause ("does not preserve order")
 *     does not count for the point; it can instead trigger the misconception
 *     that names the point in "negates".
 *  5. Misconceptions are concept groups too, but must co-occur, un-negated, in
 *     one clause, so a correct contrast ("gather keeps order, while
 *     as_completed yields by completion") does not trip "gather returns
 *     completion order".
 *  6. Coverage is scaled by how much the answer reads as explanation rather
 *     than a list of terms: the share of function words and connectives, and
 *     how dense the matched key terms are.  Misconception penalties come last.
 *
 * The rubric JSON format is documented in docs/exercise-format.md.
 */
#include "rubric.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An explanation is a few paragraphs; 64 KiB is far beyond any honest answer
 * and bounds the scorer's work (phrases x words) on hostile input. */
#define RUBRIC_ANSWER_MAX (64 * 1024)

/* Limits on a rubric, so a malformed exercise cannot make scoring quadratic
 * in something unbounded; real rubrics use a fraction of each. */
#define RUBRIC_POINTS_MAX 32
#define RUBRIC_MISC_MAX 32
#define RUBRIC_VARIANTS_MAX 8
#define RUBRIC_GROUPS_MAX 8
#define RUBRIC_ALTS_MAX 128
#define RUBRIC_PHRASE_WORDS_MAX 8

/* Longest word kept; longer ones are truncated (no rubric phrase is longer). */
#define WORD_MAX 40

/* Words a phrase may skip between two of its own words ("order is kept" for
 * "order kept"), and how far back a negator reaches ("does not really keep"). */
#define PHRASE_SLOP 1
#define NEG_REACH 4

/* Evidence and feedback are shown to candidates: short. */
#define EVIDENCE_MAX 240
#define FEEDBACK_MAX 1200

/* Credit for a point whose groups co-occur only across two neighbouring
 * sentences, or only somewhere in the answer, and the share of a point given
 * per group when only some groups occur together. */
#define CREDIT_PAIR 0.85
#define CREDIT_ANYWHERE 0.55
#define CREDIT_PARTIAL 0.45

enum scope { SCOPE_CLAUSE, SCOPE_SENTENCE, SCOPE_PAIR };

struct pword {
    char s[WORD_MAX];   /* stem */
    char raw[WORD_MAX]; /* as written, lower-cased */
    uint32_t hash;      /* of s */
    int prefix;         /* written with a trailing '*': matches any word or stem it starts */
};

struct phrase {
    struct pword *w;
    size_t n;
    int has_neg; /* the phrase itself says "not ...": never negated again */
};

struct group {
    struct phrase *alt;
    size_t nalt;
};

struct pattern {
    struct group *g;
    size_t ng;
};

struct concept {
    struct pattern *var;
    size_t nvar;
    enum scope scope;
};

struct off_misc {
    struct concept c; /* nvar may be 0 when only `negates` is given */
    long negates;     /* index of the point this denies, or -1 */
    struct group unless;
};

struct offline {
    struct concept *pts; /* one per rubric point */
    struct off_misc *mis;
};

/* ---------------------------------------------------------------------- */
/* Porter stemmer (M. F. Porter, 1980), on a lower-case ASCII word.        */

struct stemmer {
    char *b;
    int k, j;
};

static int cons(const struct stemmer *z, int i)
{
    switch (z->b[i]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
        return 0;
    case 'y':
        return i == 0 ? 1 : !cons(z, i - 1);
    default:
        return 1;
    }
}

/* The number of vowel-consonant sequences in b[0..j]. */
static int measure_m(const struct stemmer *z)
{
    int n = 0, i = 0;

    for (;;) {
        if (i > z->j)
            return n;
        if (!cons(z, i))
            break;
        i++;
    }
    i++;
    for (;;) {
        for (;;) {
            if (i > z->j)
                return n;
            if (cons(z, i))
                break;
            i++;
        }
        i++;
        n++;
        for (;;) {
            if (i > z->j)
                return n;
            if (!cons(z, i))
                break;
            i++;
        }
        i++;
    }
}

static int vowel_in_stem(const struct stemmer *z)
{
    for (int i = 0; i <= z->j; i++)
        if (!cons(z, i))
            return 1;
    return 0;
}

static int double_cons(const struct stemmer *z, int j)
{
    if (j < 1 || z->b[j] != z->b[j - 1])
        return 0;
    return cons(z, j);
}

static int cvc(const struct stemmer *z, int i)
{
    if (i < 2 || !cons(z, i) || cons(z, i - 1) || !cons(z, i - 2))
        return 0;
    return z->b[i] != 'w' && z->b[i] != 'x' && z->b[i] != 'y';
}

static int ends(struct stemmer *z, const char *s)
{
    int len = (int)strlen(s);

    if (s[len - 1] != z->b[z->k] || len > z->k + 1)
        return 0;
    if (memcmp(z->b + z->k - len + 1, s, (size_t)len) != 0)
        return 0;
    z->j = z->k - len;
    return 1;
}

/* Callers only ever replace a suffix with one no longer, so this stays inside
 * the word's buffer. */
static void set_to(struct stemmer *z, const char *s)
{
    int len = (int)strlen(s);

    memmove(z->b + z->j + 1, s, (size_t)len);
    z->k = z->j + len;
}

static void replace_if_m(struct stemmer *z, const char *s)
{
    if (measure_m(z) > 0)
        set_to(z, s);
}

static void step1ab(struct stemmer *z)
{
    if (z->b[z->k] == 's') {
        if (ends(z, "sses"))
            z->k -= 2;
        else if (ends(z, "ies"))
            set_to(z, "i");
        else if (z->b[z->k - 1] != 's')
            z->k--;
    }
    if (ends(z, "eed")) {
        if (measure_m(z) > 0)
            z->k--;
    } else if ((ends(z, "ed") || ends(z, "ing")) && vowel_in_stem(z)) {
        z->k = z->j;
        if (ends(z, "at")) {
            set_to(z, "ate");
        } else if (ends(z, "bl")) {
            set_to(z, "ble");
        } else if (ends(z, "iz")) {
            set_to(z, "ize");
        } else if (double_cons(z, z->k)) {
            char ch = z->b[z->k - 1];
            z->k--;
            if (ch == 'l' || ch == 's' || ch == 'z')
                z->k++;
        } else {
            z->j = z->k;
            if (measure_m(z) == 1 && cvc(z, z->k)) {
                z->j = z->k;
                set_to(z, "e");
            }
        }
    }
}

static void step1c(struct stemmer *z)
{
    if (ends(z, "y") && vowel_in_stem(z))
        z->b[z->k] = 'i';
}

struct suffix_rule {
    const char *from, *to;
};

static int apply_rules(struct stemmer *z, const struct suffix_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ends(z, rules[i].from)) {
            replace_if_m(z, rules[i].to);
            return 1;
        }
    }
    return 0;
}

static void step2(struct stemmer *z)
{
    static const struct suffix_rule rules[] = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},
        {"izer", "ize"},    {"bli", "ble"},     {"alli", "al"},     {"entli", "ent"},
        {"eli", "e"},       {"ousli", "ous"},   {"ization", "ize"}, {"ation", "ate"},
        {"ator", "ate"},    {"alism", "al"},    {"iveness", "ive"}, {"fulness", "ful"},
        {"ousness", "ous"}, {"aliti", "al"},    {"iviti", "ive"},   {"biliti", "ble"},
        {"logi", "log"},
    };
    if (z->k < 1)
        return;
    apply_rules(z, rules, sizeof rules / sizeof rules[0]);
}

static void step3(struct stemmer *z)
{
    static const struct suffix_rule rules[] = {
        {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
        {"ical", "ic"},  {"ful", ""},   {"ness", ""},
    };
    apply_rules(z, rules, sizeof rules / sizeof rules[0]);
}

static void step4(struct stemmer *z)
{
    static const char *const sufs[] = {"al",  "ance",  "ence", "er",  "ic",  "able", "ible",
                                       "ant", "ement", "ment", "ent", "ion", "ou",   "ism",
                                       "ate", "iti",   "ous",  "ive", "ize"};
    int found = 0;

    if (z->k < 1)
        return;
    for (size_t i = 0; i < sizeof sufs / sizeof sufs[0] && !found; i++) {
        if (!ends(z, sufs[i]))
            continue;
        if (strcmp(sufs[i], "ion") == 0 && !(z->j >= 0 && (z->b[z->j] == 's' || z->b[z->j] == 't')))
            continue;
        found = 1;
    }
    if (found && measure_m(z) > 1)
        z->k = z->j;
}

static void step5(struct stemmer *z)
{
    z->j = z->k;
    if (z->b[z->k] == 'e') {
        int a = measure_m(z);
        if (a > 1 || (a == 1 && !cvc(z, z->k - 1)))
            z->k--;
    }
    if (z->b[z->k] == 'l' && double_cons(z, z->k)) {
        z->j = z->k;
        if (measure_m(z) > 1)
            z->k--;
    }
}

/* British "-ise" spellings meet American "-ize" ones before stemming. */
static void americanize(char *w)
{
    static const char *const sufs[] = {"isation", "isations", "ise",  "ised",
                                       "ises",    "ising",    "iser", "isers"};
    size_t n = strlen(w);

    for (size_t i = 0; i < sizeof sufs / sizeof sufs[0]; i++) {
        size_t l = strlen(sufs[i]);
        if (n >= l + 3 && strcmp(w + n - l, sufs[i]) == 0) {
            w[n - l + 1] = 'z';
            return;
        }
    }
}

/* Stem `w` in place when it is a plain lower-case word of three letters or
 * more; numbers and non-ASCII words stay as they are. */
static void stem_word(char *w)
{
    struct stemmer z;
    size_t n = strlen(w);

    if (n <= 2)
        return;
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z')
            return;
    americanize(w);
    z.b = w;
    z.k = (int)n - 1;
    z.j = 0;
    step1ab(&z);
    if (z.k > 0) {
        step1c(&z);
        step2(&z);
        step3(&z);
        step4(&z);
        step5(&z);
    }
    w[z.k + 1] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Word lists.                                                             */

static int in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

#define IN_LIST(w, l) in_list((w), (l), sizeof(l) / sizeof((l)[0]))

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

/* ---------------------------------------------------------------------- */
/* Tokens.                                                                 */

struct token {
    char raw[WORD_MAX];  /* lower-cased, as written (after splitting) */
    char stem[WORD_MAX]; /* what phrases match */
    uint32_t hash;       /* of stem */
    size_t off, end;     /* byte span in the sanitized text */
    unsigned sent, clause;
    unsigned char neg;   /* a negator: not, no, never, unlike, instead of... */
    unsigned char ident; /* a piece of an identifier such as no_grad */
    unsigned char colon; /* directly followed by ':' */
};

struct sentence {
    size_t tok0, tok1; /* [tok0, tok1) into doc.tok */
    size_t off0, off1; /* byte span of its words in doc.text, articles included */
    unsigned nwords, nfunc, nconn;
    int dropped; /* addressed to the grader */
};

struct doc {
    char *text; /* sanitized copy of the answer */
    size_t len;
    struct token *tok;
    size_t ntok, captok;
    struct sentence *sent;
    size_t nsent, capsent;
    unsigned clause;
    int sent_open;  /* the current sentence has tokens */
    int new_clause; /* the next token starts a clause */
};

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static void doc_cleanup(struct doc *d)
{
    free(d->text);
    free(d->tok);
    free(d->sent);
    memset(d, 0, sizeof *d);
}

/*
 * Copy `in` (len bytes) into d->text, valid UTF-8: an invalid byte becomes
 * '?', control characters other than newline become spaces, typographic
 * apostrophes become "'".  The copy is never longer than the input.
 */
static enum ph_rc sanitize(struct doc *d, const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;

    d->text = malloc(len + 1);
    if (d->text == NULL)
        return PH_ENOMEM;
    while (i < len) {
        unsigned char c = s[i];
        size_t n = 0;
        uint32_t cp = 0;

        if (c < 0x80) {
            d->text[o++] = (c == '\n' || c >= 0x20) && c != 0x7f ? (char)c : ' ';
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            cp = c & 0x07;
        }
        if (n == 0 || i + n > len) {
            d->text[o++] = '?';
            i++;
            continue;
        }
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                n = 0;
                break;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
        if (n == 0 || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff)) {
            d->text[o++] = '?';
            i++;
            continue;
        }
        if (cp == 0x2018 || cp == 0x2019) {
            d->text[o++] = '\'';
        } else if (cp == 0xa0) {
            d->text[o++] = ' ';
        } else {
            memcpy(d->text + o, s + i, n);
            o += n;
        }
        i += n;
    }
    d->text[o] = '\0';
    d->len = o;
    return PH_OK;
}

static enum ph_rc grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return PH_OK;
    ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return PH_ENOMEM;
    memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
    *arr = p;
    *cap = ncap;
    return PH_OK;
}

static void end_sentence(struct doc *d)
{
    if (d->sent_open) {
        d->sent[d->nsent - 1].tok1 = d->ntok;
        d->sent_open = 0;
    }
    d->new_clause = 1;
}

static enum ph_rc add_token(struct doc *d, const char *word, size_t off, size_t end, int ident)
{
    struct token *t;
    struct sentence *s;
    enum ph_rc rc;
    size_t n = strlen(word);

    if (n == 0)
        return PH_OK;
    if (!d->sent_open) {
        rc = grow((void **)&d->sent, &d->capsent, d->nsent + 1, sizeof *d->sent);
        if (rc != PH_OK)
            return rc;
        d->sent[d->nsent].tok0 = d->ntok;
        d->sent[d->nsent].tok1 = d->ntok;
        d->sent[d->nsent].off0 = off;
        d->nsent++;
        d->sent_open = 1;
        d->new_clause = 1;
    }
    s = &d->sent[d->nsent - 1];
    s->off1 = end;
    if (!ident && IN_LIST(word, clause_openers))
        d->new_clause = 1;
    if (d->new_clause) {
        d->clause++;
        d->new_clause = 0;
    }
    s->nwords++;
    if (!ident && IN_LIST(word, function_words))
        s->nfunc++;
    if (!ident && IN_LIST(word, connectives))
        s->nconn++;
    /* Articles carry nothing a phrase needs and only widen gaps. */
    if (!ident && (strcmp(word, "a") == 0 || strcmp(word, "an") == 0 || strcmp(word, "the") == 0))
        return PH_OK;
    rc = grow((void **)&d->tok, &d->captok, d->ntok + 1, sizeof *d->tok);
    if (rc != PH_OK)
        return rc;
    t = &d->tok[d->ntok++];
    if (n >= WORD_MAX)
        n = WORD_MAX - 1;
    memcpy(t->raw, word, n);
    t->raw[n] = '\0';
    memcpy(t->stem, word, n + 1);
    t->stem[n] = '\0';
    stem_word(t->stem);
    t->hash = hash_str(t->stem);
    t->off = off;
    t->end = end;
    t->sent = (unsigned)(d->nsent - 1);
    t->clause = d->clause;
    t->ident = (unsigned char)ident;
    if (!ident) {
        static const char *const negators[] = {"not", "no", "never", "neither", "nor", "none",
                                               "unlike", "nothing", "without", "regardless",
                                               "irrespective", "prevent", "prevents", "preventing",
                                               "avoid", "avoids", "avoiding",
                                               /* contractions typed without the apostrophe */
                                               "doesnt", "dont", "isnt", "arent", "cant", "wont",
                                               "didnt", "wasnt", "shouldnt", "cannot"};
        t->neg = (unsigned char)IN_LIST(word, negators);
    }
    s->tok1 = d->ntok;
    return PH_OK;
}

/* One written word, lower-cased, without '_' or '.': expand contractions. */
static enum ph_rc add_part(struct doc *d, char *w, size_t off, size_t end, int ident)
{
    static const struct suffix_rule nt[] = {
        {"can't", "can"}, {"won't", "will"}, {"shan't", "shall"}, {"ain't", "is"}};
    size_t n = strlen(w);
    enum ph_rc rc;
    char *apos;

    if (!ident && strcmp(w, "cannot") == 0) {
        rc = add_token(d, "can", off, end, 0);
        return rc != PH_OK ? rc : add_token(d, "not", off, end, 0);
    }
    if (!ident && n > 3 && strcmp(w + n - 3, "n't") == 0) {
        const char *base = NULL;
        for (size_t i = 0; i < sizeof nt / sizeof nt[0]; i++)
            if (strcmp(w, nt[i].from) == 0)
                base = nt[i].to;
        if (base == NULL) {
            w[n - 3] = '\0';
            base = w;
        }
        rc = add_token(d, base, off, end, 0);
        return rc != PH_OK ? rc : add_token(d, "not", off, end, 0);
    }
    /* "gather's", "it's", "they're": keep the word before the apostrophe. */
    apos = strchr(w, '\'');
    if (apos != NULL)
        *apos = '\0';
    return add_token(d, w, off, end, ident);
}

static int is_word_byte(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

/* A UTF-8 dash (en, em) at p: it ends a clause. */
static int is_utf8_dash(const char *p, size_t left)
{
    return left >= 3 && (unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
           ((unsigned char)p[2] == 0x93 || (unsigned char)p[2] == 0x94);
}

/* Does a newline at text[i] start a new sentence: a blank line or a list item? */
static int newline_breaks(const char *t, size_t len, size_t i)
{
    size_t k = i + 1;

    while (k < len && (t[k] == ' ' || t[k] == '\t'))
        k++;
    if (k >= len || t[k] == '\n')
        return 1;
    if (t[k] == '-' || t[k] == '*' || t[k] == '+' || t[k] == '#' || t[k] == '>')
        return 1;
    if ((unsigned char)t[k] == 0xe2 && k + 2 < len && (unsigned char)t[k + 1] == 0x80 &&
        (unsigned char)t[k + 2] == 0xa2) /* bullet */
        return 1;
    if (isdigit((unsigned char)t[k])) {
        while (k < len && isdigit((unsigned char)t[k]))
            k++;
        if (k < len && (t[k] == '.' || t[k] == ')'))
            return 1;
    }
    /* A line that ended a thought with ':' or a closing bracket. */
    k = i;
    while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t'))
        k--;
    return k > 0 && t[k - 1] == ':';
}

static enum ph_rc tokenize(struct doc *d)
{
    const char *t = d->text;
    size_t len = d->len, i = 0;
    enum ph_rc rc = PH_OK;

    while (i < len) {
        unsigned char c = (unsigned char)t[i];

        if (is_word_byte(c)) {
            /* A word runs over letters, digits, '_', non-ASCII, and over an
             * inner '.' or '\'' ("asyncio.gather", "doesn't"). */
            size_t j = i, p0;
            char buf[WORD_MAX * 4];
            size_t bl = 0;
            int ident = 0, abbrev = 0;

            while (j < len) {
                unsigned char cj = (unsigned char)t[j];
                if (is_word_byte(cj)) {
                    j++;
                } else if ((cj == '.' || cj == '\'') && j + 1 < len &&
                           is_word_byte((unsigned char)t[j + 1]) && j > i) {
                    j++;
                } else {
                    break;
                }
            }
            for (size_t k = i; k < j; k++) {
                if (t[k] == '_' || t[k] == '.')
                    ident = 1;
            }
            /* "e.g." and "i.e." do not end the sentence. */
            if (j - i == 3 && t[i + 1] == '.' && (t[i] == 'e' || t[i] == 'i' || t[i] == 'E'))
                abbrev = 1;
            p0 = i;
            for (size_t k = i; k <= j && rc == PH_OK; k++) {
                int sep = k == j || t[k] == '_' || t[k] == '.';
                if (!sep) {
                    if (bl < sizeof buf - 1)
                        buf[bl++] = (char)tolower((unsigned char)t[k]);
                    continue;
                }
                buf[bl] = '\0';
                if (bl >= WORD_MAX)
                    buf[WORD_MAX - 1] = '\0';
                if (bl > 0)
                    rc = add_part(d, buf, p0, k, ident);
                bl = 0;
                p0 = k + 1;
            }
            if (rc != PH_OK)
                return rc;
            i = j;
            if (abbrev && i < len && t[i] == '.')
                i++;
            continue;
        }
        if (c == '.' || c == '!' || c == '?') {
            size_t k = i + 1;
            while (k < len && (t[k] == '.' || t[k] == '!' || t[k] == '?' || t[k] == ')' ||
                               t[k] == '"' || t[k] == '\'' || t[k] == '`' || t[k] == '*'))
                k++;
            if (k >= len || isspace((unsigned char)t[k]))
                end_sentence(d);
            i++;
            continue;
        }
        if (c == ',' || c == ';' || c == ':' || c == '(' || c == ')') {
            if (c == ':' && d->ntok > 0 && d->tok[d->ntok - 1].end == i)
                d->tok[d->ntok - 1].colon = 1;
            if (c == ',' || c == ';' || c == ':')
                d->new_clause = 1;
            i++;
            continue;
        }
        if (c == '\n') {
            if (newline_breaks(t, len, i))
                end_sentence(d);
            i++;
            continue;
        }
        if (c == '-' && i > 0 && i + 1 < len && isspace((unsigned char)t[i - 1]) &&
            isspace((unsigned char)t[i + 1])) {
            d->new_clause = 1;
            i++;
            continue;
        }
        if (is_utf8_dash(t + i, len - i)) {
            d->new_clause = 1;
            i += 3;
            continue;
        }
        i++;
    }
    end_sentence(d);
    return rc;
}

/* Negation needs a word or two of context: "instead of X" and "rather than X"
 * deny X; "not only X" and "whether or not X" deny nothing. */
static void mark_negators(struct doc *d)
{
    for (size_t i = 0; i < d->ntok; i++) {
        struct token *t = &d->tok[i];
        const struct token *nx = i + 1 < d->ntok ? &d->tok[i + 1] : NULL;
        if (t->ident)
            continue;
        if (nx != NULL && nx->sent == t->sent &&
            ((strcmp(t->raw, "instead") == 0 && strcmp(nx->raw, "of") == 0) ||
             (strcmp(t->raw, "rather") == 0 && strcmp(nx->raw, "than") == 0)))
            t->neg = 1;
        if (t->neg && nx != NULL && nx->sent == t->sent &&
            (strcmp(nx->raw, "only") == 0 || strcmp(nx->raw, "just") == 0))
            t->neg = 0;
        /* "whether or not", "with or without" */
        if (t->neg && i > 0 && strcmp(d->tok[i - 1].raw, "or") == 0)
            t->neg = 0;
    }
}

/* ---------------------------------------------------------------------- */
/* Text addressed to the grader.                                           */

static int tok_is(const struct token *t, const char *const *list, size_t n)
{
    return in_list(t->raw, list, n);
}

#define TOK_IS(t, l) tok_is((t), (l), sizeof(l) / sizeof((l)[0]))

static int sentence_injects(const struct doc *d, const struct sentence *s)
{
    static const char *const dismiss[] = {"ignore",   "ignoring", "disregard", "forget",
                                          "override", "bypass",   "overrule"};
    /* Not "previous" alone: "so it does not forget previous tokens" is prose. */
    static const char *const orders[] = {"instruction", "instructions", "prompt",     "prompts",
                                         "rubric",      "rules",        "guidelines", "criteria",
                                         "directions",  "above",        "system",     "directive"};
    static const char *const addressee[] = {"grader",   "graders",   "evaluator", "evaluators",
                                            "examiner", "examiners", "assessor",  "marker"};
    static const char *const award[] = {"award",    "assign", "grant", "deserve",
                                        "deserves", "output", "give",  "rate",
                                        "score",    "grade",  "mark",  "return"};
    static const char *const top[] = {"10",      "ten",     "full", "perfect", "maximum",
                                      "maximal", "highest", "top",  "max",     "100"};
    static const char *const roles[] = {"system", "assistant", "user", "developer"};

    for (size_t i = s->tok0; i < s->tok1; i++) {
        const struct token *t = &d->tok[i];
        if (TOK_IS(t, addressee))
            return 1;
        if (i == s->tok0 && t->colon && TOK_IS(t, roles))
            return 1;
        if (TOK_IS(t, dismiss)) {
            for (size_t k = i + 1; k < s->tok1 && k <= i + 5; k++)
                if (TOK_IS(&d->tok[k], orders))
                    return 1;
        }
        if (TOK_IS(t, award)) {
            for (size_t k = i + 1; k < s->tok1 && k <= i + 4; k++)
                if (TOK_IS(&d->tok[k], top))
                    return 1;
        }
        /* "10/10", "10 out of 10" */
        if (strcmp(t->raw, "10") == 0 && i + 1 < s->tok1) {
            const struct token *nx = &d->tok[i + 1];
            if (strcmp(nx->raw, "10") == 0 || (strcmp(nx->raw, "out") == 0 && i + 3 < s->tok1 &&
                                               strcmp(d->tok[i + 3].raw, "10") == 0))
                return 1;
        }
        if (strcmp(t->raw, "system") == 0 && i + 1 < s->tok1 &&
            strcmp(d->tok[i + 1].raw, "prompt") == 0)
            return 1;
        if ((strcmp(t->raw, "full") == 0 || strcmp(t->raw, "top") == 0) && i + 1 < s->tok1 &&
            (strcmp(d->tok[i + 1].raw, "marks") == 0 || strcmp(d->tok[i + 1].raw, "credit") == 0))
            return 1;
    }
    return 0;
}

/* Drop the sentences that address the grader; returns whether any did. */
static int drop_injections(struct doc *d)
{
    size_t o = 0;
    int any = 0;

    for (size_t si = 0; si < d->nsent; si++) {
        struct sentence *s = &d->sent[si];
        size_t t0 = o;
        s->dropped = sentence_injects(d, s);
        any |= s->dropped;
        for (size_t i = s->tok0; i < s->tok1; i++)
            if (!s->dropped)
                d->tok[o++] = d->tok[i];
        s->tok0 = t0;
        s->tok1 = o;
    }
    d->ntok = o;
    return any;
}

/* ---------------------------------------------------------------------- */
/* Matching phrases.                                                       */

struct occ {
    size_t start, end; /* token indices, inclusive */
    unsigned sent, clause;
    int neg;       /* denied by a negator close before or inside it */
    size_t neg_at; /* that negator's token index, when neg */
    int self_neg;  /* the phrase itself holds a negator ("not fit") */
};

struct occs {
    struct occ *v;
    size_t n, cap;
};

static int word_matches(const struct pword *w, const struct token *t)
{
    if (w->prefix)
        return strncmp(t->raw, w->raw, strlen(w->raw)) == 0 ||
               strncmp(t->stem, w->s, strlen(w->s)) == 0;
    return w->hash == t->hash && strcmp(w->s, t->stem) == 0;
}

/* Is the occurrence [start, end] of `p` denied?  *at is the negator. */
static int negated(const struct doc *d, const struct phrase *p, size_t start, size_t end,
                   size_t *at)
{
    const struct token *t0 = &d->tok[start];

    if (p->has_neg)
        return 0;
    for (size_t k = start + 1; k < end; k++) {
        if (d->tok[k].neg) {
            *at = k;
            return 1;
        }
    }
    for (size_t back = 1; back <= NEG_REACH && back <= start; back++) {
        const struct token *t = &d->tok[start - back];
        if (t->clause != t0->clause)
            break;
        if (t->neg) {
            *at = start - back;
            return 1;
        }
    }
    return 0;
}

/*
 * A negator that belongs to another phrase of the same pattern denies nothing
 * else: in "data that does not fit in RAM", "not" is part of "not fit", and
 * "RAM" is stated, not denied.
 */
static void resolve_negation(struct occs *gocc, size_t ng)
{
    for (size_t g = 0; g < ng; g++) {
        for (size_t i = 0; i < gocc[g].n; i++) {
            struct occ *o = &gocc[g].v[i];
            for (size_t h = 0; h < ng && o->neg; h++) {
                for (size_t k = 0; k < gocc[h].n && o->neg; k++) {
                    const struct occ *q = &gocc[h].v[k];
                    if (q->self_neg && q->start <= o->neg_at && o->neg_at <= q->end)
                        o->neg = 0;
                }
            }
        }
    }
}

/* Append every occurrence of `p` in the answer to `out`. */
static enum ph_rc find_phrase(const struct doc *d, const struct phrase *p, struct occs *out)
{
    for (size_t i = 0; i < d->ntok; i++) {
        size_t pos = i;
        int ok = 1;

        if (!word_matches(&p->w[0], &d->tok[i]))
            continue;
        for (size_t w = 1; w < p->n && ok; w++) {
            ok = 0;
            for (size_t k = pos + 1; k < d->ntok && k <= pos + 1 + PHRASE_SLOP; k++) {
                if (d->tok[k].sent != d->tok[i].sent)
                    break;
                if (word_matches(&p->w[w], &d->tok[k])) {
                    pos = k;
                    ok = 1;
                    break;
                }
            }
        }
        if (!ok)
            continue;
        enum ph_rc rc = grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v);
        if (rc != PH_OK)
            return rc;
        out->v[out->n].start = i;
        out->v[out->n].end = pos;
        out->v[out->n].sent = d->tok[i].sent;
        out->v[out->n].clause = d->tok[i].clause;
        out->v[out->n].neg_at = 0;
        out->v[out->n].neg = negated(d, p, i, pos, &out->v[out->n].neg_at);
        out->v[out->n].self_neg = p->has_neg;
        out->n++;
    }
    return PH_OK;
}

static enum ph_rc find_group(const struct doc *d, const struct group *g, struct occs *out)
{
    for (size_t a = 0; a < g->nalt; a++) {
        enum ph_rc rc = find_phrase(d, &g->alt[a], out);
        if (rc != PH_OK)
            return rc;
    }
    return PH_OK;
}

/* Does group occurrence list `o` hold an occurrence in unit `u` (a sentence or
 * a clause number) with polarity `want_neg` (-1: either)? */
static int occs_in(const struct occs *o, int by_clause, unsigned u, int want_neg)
{
    for (size_t i = 0; i < o->n; i++) {
        unsigned ou = by_clause ? o->v[i].clause : o->v[i].sent;
        if (ou == u && (want_neg < 0 || o->v[i].neg == want_neg))
            return 1;
    }
    return 0;
}

struct match {
    double credit;
    long sent; /* evidence sentence, or -1 */
};

/* Does every group have an un-negated occurrence somewhere? */
static int all_groups_anywhere(const struct occs *gocc, size_t ng)
{
    for (size_t g = 0; g < ng; g++) {
        int any = 0;
        for (size_t i = 0; i < gocc[g].n && !any; i++)
            any = !gocc[g].v[i].neg;
        if (!any)
            return 0;
    }
    return 1;
}

/* The sentence of the first un-negated occurrence of any group in unit `u`. */
static long evidence_in(const struct occs *gocc, size_t ng, int by_clause, unsigned u)
{
    for (size_t g = 0; g < ng; g++) {
        for (size_t i = 0; i < gocc[g].n; i++) {
            const struct occ *o = &gocc[g].v[i];
            if (!o->neg && (by_clause ? o->clause : o->sent) == u)
                return (long)o->sent;
        }
    }
    return -1;
}

/* How well the groups of one pattern co-occur; `gocc` holds each group's
 * occurrences. */
static struct match match_pattern(const struct doc *d, const struct occs *gocc, size_t ng,
                                  enum scope scope)
{
    struct match best = {0.0, -1};
    int by_clause = scope == SCOPE_CLAUSE;
    unsigned nunits = by_clause ? d->clause + 1 : (unsigned)d->nsent;

    for (unsigned u = 0; u < nunits; u++) {
        size_t here = 0, pair = 0, any = 0;
        int denied = 0;
        double c = 0.0;
        /* A unit that states the point and denies it ("gather does not keep
         * the order") earns nothing, not even partial credit. */
        for (size_t g = 0; g < ng; g++) {
            int some = occs_in(&gocc[g], by_clause, u, -1);
            any += (size_t)some;
            if (some && !occs_in(&gocc[g], by_clause, u, 0))
                denied = 1;
        }
        if (denied && any == ng)
            continue;
        for (size_t g = 0; g < ng; g++) {
            int in = occs_in(&gocc[g], by_clause, u, 0);
            here += (size_t)in;
            if (in || (!by_clause && u + 1 < nunits && occs_in(&gocc[g], 0, u + 1, 0)))
                pair++;
        }
        if (here == ng)
            c = 1.0;
        else if (scope == SCOPE_PAIR && pair == ng)
            c = 1.0;
        else if (pair == ng)
            c = CREDIT_PAIR;
        else if (here > 0 && ng > 1)
            c = CREDIT_PARTIAL * (double)here / (double)ng;
        if (c > best.credit) {
            best.credit = c;
            best.sent = evidence_in(gocc, ng, by_clause, u);
        }
    }
    if (ng > 1 && best.credit < CREDIT_ANYWHERE && all_groups_anywhere(gocc, ng))
        best.credit = CREDIT_ANYWHERE;
    return best;
}

static void occs_free(struct occs *o, size_t n)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(o[i].v);
    free(o);
}

/* Best match of a concept over its variants. */
static enum ph_rc match_concept(const struct doc *d, const struct concept *c, struct match *out)
{
    enum ph_rc rc = PH_OK;

    out->credit = 0.0;
    out->sent = -1;
    for (size_t v = 0; v < c->nvar && rc == PH_OK; v++) {
        const struct pattern *p = &c->var[v];
        struct occs *gocc = calloc(p->ng, sizeof *gocc);
        if (gocc == NULL)
            return PH_ENOMEM;
        for (size_t g = 0; g < p->ng && rc == PH_OK; g++)
            rc = find_group(d, &p->g[g], &gocc[g]);
        resolve_negation(gocc, p->ng);
        if (rc == PH_OK) {
            struct match m = match_pattern(d, gocc, p->ng, c->scope);
            if (m.credit > out->credit)
                *out = m;
        }
        occs_free(gocc, p->ng);
    }
    return rc;
}

/* The sentence of group 0's first occurrence in unit `u`, with any polarity. */
static long first_sentence_in(const struct occs *o, int by_clause, unsigned u)
{
    for (size_t i = 0; i < o->n; i++)
        if ((by_clause ? o->v[i].clause : o->v[i].sent) == u)
            return (long)o->v[i].sent;
    return -1;
}

/*
 * Do the groups occur un-negated in unit `u` in the order written?  A wrong
 * belief is stated subject first ("threading.local works fine with asyncio");
 * requiring the order keeps "ContextVar works with asyncio and threading.local
 * with threads" from reading as one.
 */
static int in_order(const struct occs *gocc, size_t ng, int by_clause, unsigned u)
{
    size_t after = 0;
    int first = 1;

    for (size_t g = 0; g < ng; g++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < gocc[g].n; i++) {
            const struct occ *o = &gocc[g].v[i];
            if (o->neg || (by_clause ? o->clause : o->sent) != u)
                continue;
            if ((first || o->start > after) && o->start < best)
                best = o->start;
        }
        if (best == SIZE_MAX)
            return 0;
        after = best;
        first = 0;
    }
    return 1;
}

/*
 * Does one pattern state a misconception in some unit?  With `denied`, the
 * pattern is a point's: every group must occur in one clause and at least one
 * of them only negated ("gather does not keep the order").  Otherwise every
 * group must occur un-negated.  A unit holding an `unless` phrase never counts.
 */
static enum ph_rc misc_pattern(const struct doc *d, const struct pattern *p, enum scope scope,
                               int denied, const struct occs *unless, long *sent)
{
    int by_clause = denied || scope == SCOPE_CLAUSE;
    unsigned nunits = by_clause ? d->clause + 1 : (unsigned)d->nsent;
    struct occs *gocc = calloc(p->ng, sizeof *gocc);
    enum ph_rc rc = PH_OK;

    if (gocc == NULL)
        return PH_ENOMEM;
    for (size_t g = 0; g < p->ng && rc == PH_OK; g++)
        rc = find_group(d, &p->g[g], &gocc[g]);
    resolve_negation(gocc, p->ng);
    for (unsigned u = 0; u < nunits && rc == PH_OK && *sent < 0; u++) {
        int all = 1, neg = 0;
        if (denied) {
            for (size_t g = 0; g < p->ng && all; g++) {
                all = occs_in(&gocc[g], by_clause, u, -1);
                if (all && !occs_in(&gocc[g], by_clause, u, 0))
                    neg = 1;
            }
        } else {
            all = in_order(gocc, p->ng, by_clause, u);
        }
        if (!all || (denied && !neg) || occs_in(unless, by_clause, u, -1))
            continue;
        *sent = first_sentence_in(&gocc[0], by_clause, u);
    }
    occs_free(gocc, p->ng);
    return rc;
}

/*
 * Does the answer state a misconception?  Either its own groups all occur,
 * un-negated, in one clause, or the point it `negates` is stated with a group
 * denied.  *sent is the evidence sentence, -1 when not stated.
 */
static enum ph_rc match_misc(const struct doc *d, const struct off_misc *m,
                             const struct concept *negated_point, long *sent)
{
    struct occs unless = {0};
    enum ph_rc rc;

    *sent = -1;
    rc = find_group(d, &m->unless, &unless);
    for (size_t v = 0; v < m->c.nvar && rc == PH_OK && *sent < 0; v++)
        rc = misc_pattern(d, &m->c.var[v], m->c.scope, 0, &unless, sent);
    for (size_t v = 0; negated_point != NULL && v < negated_point->nvar && rc == PH_OK && *sent < 0;
         v++)
        rc = misc_pattern(d, &negated_point->var[v], SCOPE_CLAUSE, 1, &unless, sent);
    free(unless.v);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Parsing.                                                                */

/* The cleanups leave what they release empty, so that an error path that
 * already cleaned up a part and the rubric's final free never release it
 * twice (found by fuzz_exercise). */
static void phrase_cleanup(struct phrase *p)
{
    free(p->w);
    p->w = NULL;
}

static void group_cleanup(struct group *g)
{
    for (size_t i = 0; g->alt != NULL && i < g->nalt; i++)
        phrase_cleanup(&g->alt[i]);
    free(g->alt);
    g->alt = NULL;
    g->nalt = 0;
}

static void concept_cleanup(struct concept *c)
{
    for (size_t v = 0; c->var != NULL && v < c->nvar; v++) {
        for (size_t g = 0; c->var[v].g != NULL && g < c->var[v].ng; g++)
            group_cleanup(&c->var[v].g[g]);
        free(c->var[v].g);
        c->var[v].g = NULL;
        c->var[v].ng = 0;
    }
    free(c->var);
    c->var = NULL;
    c->nvar = 0;
}

static void offline_free(struct offline *o, size_t npoints, size_t nmisc)
{
    if (o == NULL)
        return;
    for (size_t i = 0; o->pts != NULL && i < npoints; i++)
        concept_cleanup(&o->pts[i]);
    for (size_t i = 0; o->mis != NULL && i < nmisc; i++) {
        concept_cleanup(&o->mis[i].c);
        group_cleanup(&o->mis[i].unless);
    }
    free(o->pts);
    free(o->mis);
    free(o);
}

void rubric_free(struct rubric *r)
{
    if (r == NULL)
        return;
    offline_free(r->offline, r->npoints, r->nmisconceptions);
    for (size_t i = 0; r->points != NULL && i < r->npoints; i++) {
        free(r->points[i].id);
        free(r->points[i].text);
    }
    for (size_t i = 0; r->misconceptions != NULL && i < r->nmisconceptions; i++) {
        free(r->misconceptions[i].id);
        free(r->misconceptions[i].text);
    }
    free(r->points);
    free(r->misconceptions);
    free(r);
}

/* Compile one phrase string with the answer's own tokenizer, so both sides
 * are normalised the same way.  `field` names it in messages. */
static enum ph_rc compile_phrase(const char *src, const char *where, const char *field,
                                 struct phrase *out, struct ph_err *err)
{
    struct doc d = {0};
    enum ph_rc rc;

    memset(out, 0, sizeof *out);
    rc = sanitize(&d, src, strlen(src));
    if (rc == PH_OK)
        rc = tokenize(&d);
    if (rc != PH_OK) {
        rc = ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
        goto out;
    }
    mark_negators(&d);
    if (d.ntok == 0 || d.ntok > RUBRIC_PHRASE_WORDS_MAX) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s: a phrase needs 1 to %d words, \"%s\" has %zu", where,
                     field, RUBRIC_PHRASE_WORDS_MAX, src, d.ntok);
        goto out;
    }
    out->w = calloc(d.ntok, sizeof *out->w);
    if (out->w == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
        goto out;
    }
    out->n = d.ntok;
    for (size_t i = 0; i < d.ntok; i++) {
        const struct token *t = &d.tok[i];
        struct pword *w = &out->w[i];
        snprintf(w->s, sizeof w->s, "%s", t->stem);
        snprintf(w->raw, sizeof w->raw, "%s", t->raw);
        w->hash = hash_str(w->s);
        /* A '*' right after a word makes it a prefix ("serializ*"). */
        w->prefix = t->end < d.len && d.text[t->end] == '*';
        if (t->neg)
            out->has_neg = 1;
    }
    rc = PH_OK;
out:
    doc_cleanup(&d);
    return rc;
}

static enum ph_rc parse_group(const cJSON *arr, const char *where, const char *field,
                              struct group *out, struct ph_err *err)
{
    char sub[256];
    size_t n;
    enum ph_rc rc = PH_EINPUT;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1) {
        return ph_errf(err, PH_EINPUT, "%s: %s: expected a non-empty array of phrases", where,
                       field);
    }
    n = (size_t)cJSON_GetArraySize(arr);
    if (n > RUBRIC_ALTS_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: %s: more than %d phrases", where, field,
                       RUBRIC_ALTS_MAX);
    out->alt = calloc(n, sizeof *out->alt);
    if (out->alt == NULL)
        return ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
    for (size_t i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetArrayItem(arr, (int)i);
        snprintf(sub, sizeof sub, "%s[%zu]", field, i);
        if (!cJSON_IsString(s)) {
            rc = ph_errf(err, PH_EINPUT, "%s: %s: expected a string", where, sub);
            goto out;
        }
        rc = compile_phrase(s->valuestring, where, sub, &out->alt[i], err);
        if (rc != PH_OK)
            goto out;
        out->nalt++;
    }
    rc = PH_OK;
out:
    if (rc != PH_OK)
        group_cleanup(out);
    return rc;
}

static enum ph_rc parse_pattern(const cJSON *arr, const char *where, const char *field,
                                struct pattern *out, struct ph_err *err)
{
    char sub[256];
    size_t n;
    enum ph_rc rc = PH_EINPUT;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1)
        return ph_errf(err, PH_EINPUT,
                       "%s: %s: expected a non-empty array of groups (arrays of phrases)", where,
                       field);
    n = (size_t)cJSON_GetArraySize(arr);
    if (n > RUBRIC_GROUPS_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: %s: more than %d groups", where, field,
                       RUBRIC_GROUPS_MAX);
    out->g = calloc(n, sizeof *out->g);
    if (out->g == NULL)
        return ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
    for (size_t i = 0; i < n; i++) {
        snprintf(sub, sizeof sub, "%s[%zu]", field, i);
        rc = parse_group(cJSON_GetArrayItem(arr, (int)i), where, sub, &out->g[i], err);
        if (rc != PH_OK)
            goto out;
        out->ng++;
    }
    rc = PH_OK;
out:
    if (rc != PH_OK) {
        for (size_t i = 0; i < out->ng; i++)
            group_cleanup(&out->g[i]);
        free(out->g);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* "concepts" (one pattern), "variants" (more patterns) and "scope" of the
 * object at `field`.  `required`: the object must give at least one pattern. */
static enum ph_rc parse_concept(const cJSON *obj, const char *where, const char *field,
                                enum scope dflt, int required, struct concept *out,
                                struct ph_err *err)
{
    const cJSON *concepts = cJSON_GetObjectItemCaseSensitive(obj, "concepts");
    const cJSON *variants = cJSON_GetObjectItemCaseSensitive(obj, "variants");
    const cJSON *scope = cJSON_GetObjectItemCaseSensitive(obj, "scope");
    char sub[256];
    size_t nvar = 0, nv;
    enum ph_rc rc = PH_EINPUT;

    memset(out, 0, sizeof *out);
    out->scope = dflt;
    if (scope != NULL) {
        if (!cJSON_IsString(scope))
            return ph_errf(err, PH_EINPUT, "%s: %s.scope: expected a string", where, field);
        if (strcmp(scope->valuestring, "clause") == 0)
            out->scope = SCOPE_CLAUSE;
        else if (strcmp(scope->valuestring, "sentence") == 0)
            out->scope = SCOPE_SENTENCE;
        else if (strcmp(scope->valuestring, "pair") == 0)
            out->scope = SCOPE_PAIR;
        else
            return ph_errf(err, PH_EINPUT,
                           "%s: %s.scope: \"%s\" is not one of clause, sentence, pair", where,
                           field, scope->valuestring);
    }
    if (concepts != NULL)
        nvar++;
    if (variants != NULL) {
        if (!cJSON_IsArray(variants))
            return ph_errf(err, PH_EINPUT, "%s: %s.variants: expected an array of concept lists",
                           where, field);
        nvar += (size_t)cJSON_GetArraySize(variants);
    }
    if (nvar == 0) {
        if (!required)
            return PH_OK;
        return ph_errf(err, PH_EINPUT,
                       "%s: %s.concepts: missing (the offline scorer needs the groups of "
                       "phrases that express this point)",
                       where, field);
    }
    if (nvar > RUBRIC_VARIANTS_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: %s.variants: more than %d", where, field,
                       RUBRIC_VARIANTS_MAX);
    out->var = calloc(nvar, sizeof *out->var);
    if (out->var == NULL)
        return ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
    if (concepts != NULL) {
        snprintf(sub, sizeof sub, "%s.concepts", field);
        rc = parse_pattern(concepts, where, sub, &out->var[out->nvar], err);
        if (rc != PH_OK)
            goto out;
        out->nvar++;
    }
    nv = variants != NULL ? (size_t)cJSON_GetArraySize(variants) : 0;
    for (size_t i = 0; i < nv; i++) {
        snprintf(sub, sizeof sub, "%s.variants[%zu]", field, i);
        rc = parse_pattern(cJSON_GetArrayItem(variants, (int)i), where, sub, &out->var[out->nvar],
                           err);
        if (rc != PH_OK)
            goto out;
        out->nvar++;
    }
    rc = PH_OK;
out:
    if (rc != PH_OK) {
        concept_cleanup(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

static enum ph_rc get_string(const cJSON *obj, const char *key, const char *where,
                             const char *field, char **out, struct ph_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL)
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: missing", where, field, key);
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: expected a non-empty string", where, field, key);
    *out = strdup(v->valuestring);
    if (*out == NULL)
        return ph_errf(err, PH_ENOMEM, "%s: %s.%s: out of memory", where, field, key);
    return PH_OK;
}

static enum ph_rc get_number(const cJSON *obj, const char *key, const char *where,
                             const char *field, double lo, double hi, double *out,
                             struct ph_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL)
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: missing", where, field, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble <= lo ||
        v->valuedouble > hi)
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: expected a number in (%g, %g]", where, field,
                       key, lo, hi);
    *out = v->valuedouble;
    return PH_OK;
}

static enum ph_rc check_list(const cJSON *node, const char *key, const char *where, int required,
                             size_t maxn, size_t *n, struct ph_err *err)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(node, key);

    *n = 0;
    if (arr == NULL) {
        if (required)
            return ph_errf(err, PH_EINPUT, "%s: rubric.%s: missing", where, key);
        return PH_OK;
    }
    if (!cJSON_IsArray(arr))
        return ph_errf(err, PH_EINPUT, "%s: rubric.%s: expected an array", where, key);
    *n = (size_t)cJSON_GetArraySize(arr);
    if (required && *n == 0)
        return ph_errf(err, PH_EINPUT, "%s: rubric.%s: needs at least one entry", where, key);
    if (*n > maxn)
        return ph_errf(err, PH_ELIMIT, "%s: rubric.%s: more than %zu entries", where, key, maxn);
    return PH_OK;
}

enum ph_rc rubric_parse(const cJSON *node, const char *where, struct rubric **out,
                        struct ph_err *err)
{
    struct rubric *r = NULL;
    struct offline *off = NULL;
    const cJSON *pts, *mis, *max;
    size_t np = 0, nm = 0;
    char field[128];
    enum ph_rc rc = PH_EINPUT;

    *out = NULL;
    if (where == NULL)
        where = "rubric";
    if (!cJSON_IsObject(node)) {
        rc = ph_errf(err, PH_EINPUT, "%s: rubric: expected an object", where);
        goto out;
    }
    rc = check_list(node, "points", where, 1, RUBRIC_POINTS_MAX, &np, err);
    if (rc != PH_OK)
        goto out;
    rc = check_list(node, "misconceptions", where, 0, RUBRIC_MISC_MAX, &nm, err);
    if (rc != PH_OK)
        goto out;
    pts = cJSON_GetObjectItemCaseSensitive(node, "points");
    mis = cJSON_GetObjectItemCaseSensitive(node, "misconceptions");
    r = calloc(1, sizeof *r);
    off = calloc(1, sizeof *off);
    if (r == NULL || off == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: rubric: out of memory", where);
        goto out;
    }
    r->offline = off;
    r->max = 10.0;
    max = cJSON_GetObjectItemCaseSensitive(node, "max");
    if (max != NULL) {
        rc = get_number(node, "max", where, "rubric", 0.0, 1000.0, &r->max, err);
        if (rc != PH_OK)
            goto out;
    }
    r->points = calloc(np, sizeof *r->points);
    off->pts = calloc(np, sizeof *off->pts);
    r->misconceptions = calloc(nm ? nm : 1, sizeof *r->misconceptions);
    off->mis = calloc(nm ? nm : 1, sizeof *off->mis);
    if (r->points == NULL || off->pts == NULL || r->misconceptions == NULL || off->mis == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: rubric: out of memory", where);
        goto out;
    }
    for (size_t i = 0; i < np; i++) {
        const cJSON *p = cJSON_GetArrayItem(pts, (int)i);
        struct rubric_point *rp = &r->points[i];

        snprintf(field, sizeof field, "rubric.points[%zu]", i);
        r->npoints = i + 1; /* so rubric_free() releases this entry too */
        if (!cJSON_IsObject(p)) {
            rc = ph_errf(err, PH_EINPUT, "%s: %s: expected an object", where, field);
            goto out;
        }
        rc = get_string(p, "id", where, field, &rp->id, err);
        if (rc == PH_OK)
            rc = get_string(p, "text", where, field, &rp->text, err);
        if (rc == PH_OK)
            rc = get_number(p, "weight", where, field, 0.0, 100.0, &rp->weight, err);
        if (rc == PH_OK)
            rc = parse_concept(p, where, field, SCOPE_SENTENCE, 1, &off->pts[i], err);
        if (rc != PH_OK)
            goto out;
        for (size_t k = 0; k < i; k++) {
            if (strcmp(r->points[k].id, rp->id) == 0) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.id: \"%s\" is used twice", where, field,
                             rp->id);
                goto out;
            }
        }
    }
    for (size_t i = 0; i < nm; i++) {
        const cJSON *m = cJSON_GetArrayItem(mis, (int)i);
        struct rubric_misconception *rm = &r->misconceptions[i];
        struct off_misc *om = &off->mis[i];
        const cJSON *neg, *unless;

        snprintf(field, sizeof field, "rubric.misconceptions[%zu]", i);
        r->nmisconceptions = i + 1;
        om->negates = -1;
        if (!cJSON_IsObject(m)) {
            rc = ph_errf(err, PH_EINPUT, "%s: %s: expected an object", where, field);
            goto out;
        }
        rc = get_string(m, "id", where, field, &rm->id, err);
        if (rc == PH_OK)
            rc = get_string(m, "text", where, field, &rm->text, err);
        if (rc == PH_OK)
            rc = get_number(m, "penalty", where, field, 0.0, r->max, &rm->penalty, err);
        if (rc == PH_OK)
            rc = parse_concept(m, where, field, SCOPE_CLAUSE, 0, &om->c, err);
        if (rc != PH_OK)
            goto out;
        neg = cJSON_GetObjectItemCaseSensitive(m, "negates");
        if (neg != NULL) {
            if (!cJSON_IsString(neg)) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.negates: expected a point id", where, field);
                goto out;
            }
            for (size_t k = 0; k < np; k++)
                if (strcmp(r->points[k].id, neg->valuestring) == 0)
                    om->negates = (long)k;
            if (om->negates < 0) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.negates: no point has id \"%s\"", where, field,
                             neg->valuestring);
                goto out;
            }
        }
        if (om->c.nvar == 0 && om->negates < 0) {
            rc = ph_errf(err, PH_EINPUT,
                         "%s: %s.concepts: missing (give concepts, negates or both)", where, field);
            goto out;
        }
        unless = cJSON_GetObjectItemCaseSensitive(m, "unless");
        if (unless != NULL) {
            char sub[160];
            snprintf(sub, sizeof sub, "%s.unless", field);
            rc = parse_group(unless, where, sub, &om->unless, err);
            if (rc != PH_OK)
                goto out;
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(r->misconceptions[k].id, rm->id) == 0) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.id: \"%s\" is used twice", where, field,
                             rm->id);
                goto out;
            }
        }
    }
    *out = r;
    r = NULL;
    rc = PH_OK;
out:
    if (r != NULL)
        rubric_free(r);
    else if (rc != PH_OK)
        offline_free(off, 0, 0);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Scoring.                                                                */

/* The sentence `si` as evidence: whitespace collapsed, capped on a UTF-8
 * boundary.  Caller frees. */
static char *sentence_text(const struct doc *d, long si)
{
    const struct sentence *s;
    size_t a, b, i, o = 0;
    char *out;

    if (si < 0 || (size_t)si >= d->nsent)
        return NULL;
    s = &d->sent[si];
    a = s->off0;
    b = s->off1;
    if (b <= a)
        return NULL;
    while (b < d->len && strchr(".!?)\"'`", d->text[b]) != NULL && d->text[b] != '\0')
        b++;
    out = malloc(EVIDENCE_MAX + 4);
    if (out == NULL)
        return NULL;
    i = a;
    for (; i < b && o < EVIDENCE_MAX; i++) {
        char c = d->text[i];
        if (isspace((unsigned char)c)) {
            if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        out[o++] = c;
    }
    if (i < b) {
        /* Cut before a whole character: the bytes backed over were copied
         * one for one (continuation bytes are never spaces). */
        while (o > 0 && ((unsigned char)d->text[i] & 0xc0) == 0x80) {
            o--;
            i--;
        }
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

struct style {
    double words, func, conn, sentences;
    double factor; /* 0.2 .. 1: how much the answer reads as an explanation */
};

/*
 * Why a multiplier and not a bonus: a list of the right terms does show the
 * candidate has heard of them, so it keeps a little credit, but it explains
 * nothing.  English prose runs at 40-55% function words; a list of terms is
 * near 0.  Under 10 words there is too little to judge structure.
 */
static struct style measure_style(const struct doc *d, double density)
{
    struct style st = {0};
    double ratio, f;

    for (size_t i = 0; i < d->nsent; i++) {
        if (d->sent[i].dropped)
            continue;
        st.words += d->sent[i].nwords;
        st.func += d->sent[i].nfunc;
        st.conn += d->sent[i].nconn;
        st.sentences += 1;
    }
    if (st.words < 1) {
        st.factor = 0.0;
        return st;
    }
    ratio = st.func / st.words;
    f = (ratio - 0.10) / (0.28 - 0.10);
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    st.factor = 0.2 + 0.8 * f;
    /* No reason, consequence or contrast anywhere in a long answer. */
    if (st.conn == 0 && st.words >= 25)
        st.factor *= 0.85;
    /* Key terms packed tighter than any sentence carries them. */
    if (density > 0.5)
        st.factor *= 1.0 - (density - 0.5);
    if (st.factor < 0.2)
        st.factor = 0.2;
    return st;
}

/* Share of the answer's words that some rubric phrase matched. */
static enum ph_rc key_density(const struct doc *d, const struct offline *off, size_t np,
                              double *out)
{
    unsigned char *hit = NULL;
    enum ph_rc rc = PH_OK;
    size_t nhit = 0;

    *out = 0.0;
    if (d->ntok == 0)
        return PH_OK;
    hit = calloc(d->ntok, 1);
    if (hit == NULL)
        return PH_ENOMEM;
    for (size_t p = 0; p < np && rc == PH_OK; p++) {
        const struct concept *c = &off->pts[p];
        for (size_t v = 0; v < c->nvar && rc == PH_OK; v++) {
            for (size_t g = 0; g < c->var[v].ng && rc == PH_OK; g++) {
                struct occs o = {0};
                rc = find_group(d, &c->var[v].g[g], &o);
                for (size_t i = 0; i < o.n; i++)
                    for (size_t k = o.v[i].start; k <= o.v[i].end; k++)
                        hit[k] = 1;
                free(o.v);
            }
        }
    }
    for (size_t i = 0; i < d->ntok; i++)
        nhit += hit[i];
    *out = (double)nhit / (double)d->ntok;
    free(hit);
    return rc;
}

struct fbuf {
    char s[FEEDBACK_MAX];
    size_t n;
};

static void fb_add(struct fbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fb_add(struct fbuf *b, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (b->n >= sizeof b->s - 1)
        return;
    va_start(ap, fmt);
    w = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    b->n += (size_t)w;
    if (b->n >= sizeof b->s)
        b->n = sizeof b->s - 1;
}

static void build_feedback(const struct rubric *r, const struct explain_result *res, int empty,
                           const struct style *st, struct fbuf *fb)
{
    size_t covered = 0, shown = 0;

    if (empty) {
        fb_add(fb, "The explanation is empty, so nothing could be credited.");
        if (res->injection)
            fb_add(fb, " Text addressed to the grader was ignored.");
        fb_add(fb, " Explain in your own sentences, for example: %s", r->points[0].text);
        return;
    }
    for (size_t i = 0; i < res->npoints; i++)
        covered += res->points[i].credit >= 0.75;
    fb_add(fb, "Covered %zu of %zu key points.", covered, res->npoints);
    for (size_t pass = 0; pass < 2; pass++) {
        /* Missing points first, then the ones only partly made. */
        for (size_t i = 0; i < res->npoints && shown < 3; i++) {
            const struct explain_point *p = &res->points[i];
            int missing = p->credit < 0.25, partial = p->credit >= 0.25 && p->credit < 0.75;
            if ((pass == 0 && !missing) || (pass == 1 && !partial))
                continue;
            fb_add(fb, " %s %s", pass == 0 ? "Missing:" : "Only partly explained:", p->text);
            shown++;
        }
    }
    for (size_t i = 0; i < res->nmisconceptions; i++)
        fb_add(fb, " Not right: %s", res->misconceptions[i].text);
    if (st->factor < 0.6)
        fb_add(fb, " The answer reads like a list of terms: say how they connect, in full "
                   "sentences (because, so, which, instead).");
    if (res->injection)
        fb_add(fb, " Text addressed to the grader was ignored and earned nothing.");
}

/* Coverage to grade: human graders give most of the marks once the main ideas
 * are there, and little for one idea out of five; a mild curve follows that. */
static double curve(double coverage)
{
    if (coverage <= 0)
        return 0;
    if (coverage >= 1)
        return 1;
    return pow(coverage, 0.7);
}

enum ph_rc rubric_score(const struct rubric *r, const char *question, const char *answer,
                        struct explain_result *out, struct ph_err *err)
{
    const struct offline *off;
    struct doc d = {0};
    struct style st = {0};
    struct fbuf *fb = NULL;
    size_t len;
    double wsum = 0, got = 0, penalty = 0, density = 0;
    int empty;
    enum ph_rc rc = PH_ENOMEM; /* every failure below is an allocation's */

    if (out == NULL || r == NULL || r->offline == NULL)
        return ph_errf(err, PH_EINTERNAL, "rubric_score: no rubric or result");
    memset(out, 0, sizeof *out);
    off = r->offline;
    if (question == NULL)
        question = "explanation";
    if (answer == NULL)
        answer = "";
    len = strnlen(answer, RUBRIC_ANSWER_MAX + 1);
    if (len > RUBRIC_ANSWER_MAX) {
        rc = ph_errf(err, PH_ELIMIT,
                     "%s: the explanation is longer than %d bytes (64 KiB); shorten it", question,
                     RUBRIC_ANSWER_MAX);
        goto out;
    }
    out->question = strdup(question);
    out->scorer = strdup("offline");
    out->points = calloc(r->npoints, sizeof *out->points);
    out->misconceptions =
        calloc(r->nmisconceptions ? r->nmisconceptions : 1, sizeof *out->misconceptions);
    fb = calloc(1, sizeof *fb);
    if (out->question == NULL || out->scorer == NULL || out->points == NULL ||
        out->misconceptions == NULL || fb == NULL)
        goto out;
    out->max = r->max;
    for (size_t i = 0; i < r->npoints; i++) {
        struct explain_point *p = &out->points[i];
        out->npoints = i + 1;
        p->id = strdup(r->points[i].id);
        p->text = strdup(r->points[i].text);
        p->weight = r->points[i].weight;
        if (p->id == NULL || p->text == NULL)
            goto out;
        wsum += p->weight;
    }
    if (sanitize(&d, answer, len) != PH_OK || tokenize(&d) != PH_OK)
        goto out;
    mark_negators(&d);
    out->injection = drop_injections(&d);
    empty = d.ntok == 0;
    if (!empty) {
        if (key_density(&d, off, r->npoints, &density) != PH_OK)
            goto out;
        st = measure_style(&d, density);
        for (size_t i = 0; i < r->npoints; i++) {
            struct match m;
            if (match_concept(&d, &off->pts[i], &m) != PH_OK)
                goto out;
            out->points[i].credit = m.credit;
            if (m.credit > 0 && m.sent >= 0) {
                out->points[i].evidence = sentence_text(&d, m.sent);
                if (out->points[i].evidence == NULL)
                    goto out;
            }
            got += m.credit * out->points[i].weight;
        }
        for (size_t i = 0; i < r->nmisconceptions; i++) {
            const struct off_misc *om = &off->mis[i];
            struct explain_misconception *em;
            long sent;
            if (match_misc(&d, om, om->negates >= 0 ? &off->pts[om->negates] : NULL, &sent) !=
                PH_OK)
                goto out;
            if (sent < 0)
                continue;
            em = &out->misconceptions[out->nmisconceptions++];
            em->id = strdup(r->misconceptions[i].id);
            em->text = strdup(r->misconceptions[i].text);
            em->penalty = r->misconceptions[i].penalty;
            em->evidence = sentence_text(&d, sent);
            if (em->id == NULL || em->text == NULL || em->evidence == NULL)
                goto out;
            penalty += em->penalty;
        }
        out->score = r->max * curve(wsum > 0 ? got / wsum : 0) * st.factor - penalty;
        out->score = out->score < 0 ? 0 : out->score > r->max ? r->max : out->score;
        out->score = round(out->score * 10.0) / 10.0;
    }
    build_feedback(r, out, empty, &st, fb);
    out->feedback = strdup(fb->s);
    if (out->feedback == NULL)
        goto out;
    rc = PH_OK;
out:
    if (rc == PH_ENOMEM)
        ph_errf(err, PH_ENOMEM, "%s: out of memory while scoring the explanation", question);
    if (rc != PH_OK)
        explain_result_cleanup(out);
    free(fb);
    doc_cleanup(&d);
    return rc;
}
