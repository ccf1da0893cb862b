/*
 * stem.c - see stem.h.
 */
#include "stem.h"

#include <string.h>

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
void stem_word(char *w)
{
    struct stemmer z;
    size_t n = strlen(w);

    if (n <= 2)
        return;
    /* Porter turns "one" into "on", so "one GIL" would match "on the GIL". */
    if (strcmp(w, "one") == 0 || strcmp(w, "ones") == 0) {
        w[3] = '\0';
        return;
    }
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
