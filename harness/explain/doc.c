/*
 * doc.c - see doc.h.
 */
#include "doc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "stem.h"
#include "synonym.h"
#include "words.h"

uint32_t doc_hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

void doc_cleanup(struct doc *d)
{
    free(d->text);
    free(d->kind);
    free(d->tok);
    free(d->sent);
    free(d->topic);
    memset(d, 0, sizeof *d);
}

/*
 * Copy `in` (len bytes) into d->text, valid UTF-8: an invalid byte becomes
 * '?', control characters other than newline become spaces, typographic
 * apostrophes become "'".  The copy is never longer than the input.
 */
enum ph_rc doc_sanitize(struct doc *d, const char *in, size_t len)
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

enum ph_rc doc_grow(void **arr, size_t *cap, size_t need, size_t elem)
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
        rc = doc_grow((void **)&d->sent, &d->capsent, d->nsent + 1, sizeof *d->sent);
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
    if (!ident && words_is_clause_opener(word))
        d->new_clause = 1;
    if (d->new_clause) {
        d->clause++;
        d->new_clause = 0;
    }
    if (d->kind == NULL || d->kind[off] != DOC_CODE) {
        s->nwords++;
        if (!ident && words_is_function(word))
            s->nfunc++;
        if (!ident && words_is_connective(word))
            s->nconn++;
    }
    /* Articles carry nothing a phrase needs and only widen gaps. */
    if (!ident && (strcmp(word, "a") == 0 || strcmp(word, "an") == 0 || strcmp(word, "the") == 0))
        return PH_OK;
    rc = doc_grow((void **)&d->tok, &d->captok, d->ntok + 1, sizeof *d->tok);
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
    t->hash = doc_hash(t->stem);
    t->syn = ident ? 0 : synonym_class(t->stem);
    t->off = off;
    t->end = end;
    t->sent = (unsigned)(d->nsent - 1);
    t->clause = d->clause;
    t->ident = (unsigned char)ident;
    t->code = d->kind != NULL && d->kind[off] == DOC_CODE;
    if (t->code)
        d->sent[d->nsent - 1].code = 1;
    if (!ident && !t->code) {
        static const char *const contrasts[] = {"unlike", "regardless", "irrespective"};
        static const char *const negators[] = {"not", "no", "never", "neither", "nor", "none",
                                               "nothing", "without", "prevent", "prevents",
                                               "preventing", "avoid", "avoids", "avoiding", "poor",
                                               /* contractions typed without the apostrophe */
                                               "doesnt", "dont", "isnt", "arent", "cant", "wont",
                                               "didnt", "wasnt", "shouldnt", "cannot"};
        t->neg = WORDS_IN(word, contrasts)  ? NEG_CONTRAST
                 : WORDS_IN(word, negators) ? NEG_NOT
                                            : NEG_NONE;
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
    /* Dunder names read as their word: __exit__ is "exit". */
    while (w[0] == '_')
        w++;
    n = strlen(w);
    while (n > 0 && w[n - 1] == '_')
        w[--n] = '\0';
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

/* Past this many words, a line with a full stop reads as prose. */
#define PROSE_LINE_WORDS 15

static int starts_with(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);

    return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

/* Does the line [p, end) (leading blanks skipped) read as Python code? */
static int line_is_code(const char *p, const char *end, int prev_code, size_t indent)
{
    static const char *const openers[] = {
        "def ", "async def ", "class ",   "import ", "return ", "yield ", "await ", "raise ",
        "try:", "except",     "finally:", "elif ",   "else:",   "@",      ">>> ",   "print("};
    static const char *const blocks[] = {"with ",  "for ",        "if ",
                                         "while ", "async with ", "async for "};
    const char *q = end;
    const char *e;

    while (q > p && isspace((unsigned char)q[-1]))
        q--;
    if (q == p)
        return 0;
    if (prev_code && indent >= 4)
        return 1;
    /* A long line of words with a full stop is a paragraph, whatever it
     * starts with. */
    {
        size_t words = 1;
        for (const char *c = p; c < q; c++)
            words += *c == ' ';
        if (words > PROSE_LINE_WORDS && (q[-1] == '.' || memmem(p, (size_t)(q - p), ". ", 2)))
            return 0;
    }
    for (size_t i = 0; i < sizeof openers / sizeof openers[0]; i++)
        if (starts_with(p, q, openers[i]))
            return 1;
    if (starts_with(p, q, "from ") && memmem(p, (size_t)(q - p), " import ", 8) != NULL)
        return 1;
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (starts_with(p, q, blocks[i]) && q[-1] == ':')
            return 1;
    /* name = value, name.attr += value, name[i] = value, a, b = value: the
     * left side is names joined by '.', '[...]' and ", ", nothing else. */
    e = p;
    if (!(isalpha((unsigned char)*e) || *e == '_'))
        return 0;
    while (e < q) {
        if (isalnum((unsigned char)*e) || *e == '_' || *e == '.' || *e == '[' || *e == ']')
            e++;
        else if (*e == ',' && e + 1 < q && e[1] == ' ')
            e += 2;
        else
            break;
    }
    while (e < q && *e == ' ')
        e++;
    if (e + 1 < q && *e == '=' && e[1] != '=')
        return 1;
    if (e + 2 < q && strchr("+-*/", *e) != NULL && e[1] == '=')
        return 1;
    return 0;
}

/* Fill d->kind: which bytes are code, which comments in code, which prose. */
static enum ph_rc classify_lines(struct doc *d)
{
    const char *t = d->text, *end = d->text + d->len, *p = d->text;
    int fence = 0, prev_code = 0;

    d->kind = calloc(d->len + 1, 1);
    if (d->kind == NULL)
        return PH_ENOMEM;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl != NULL ? nl : end, *b = p;
        int code;

        while (b < le && (*b == ' ' || *b == '\t'))
            b++;
        if (starts_with(b, le, "```")) {
            fence = !fence;
            code = 1;
        } else {
            code = fence || line_is_code(b, le, prev_code, (size_t)(b - p));
        }
        if (code) {
            char quote = 0;
            unsigned char k = DOC_CODE;
            for (const char *c = p; c < le; c++) {
                if (k == DOC_CODE && quote == 0 && (*c == '"' || *c == '\''))
                    quote = *c;
                else if (quote != 0 && *c == quote)
                    quote = 0;
                else if (quote == 0 && *c == '#')
                    k = DOC_COMMENT;
                d->kind[c - t] = k;
            }
        }
        if (b < le)
            prev_code = code;
        p = nl != NULL ? nl + 1 : end;
    }
    return PH_OK;
}

static void split_coordinated(struct doc *d);

enum ph_rc doc_tokenize(struct doc *d)
{
    const char *t = d->text;
    size_t len = d->len, i = 0;
    enum ph_rc rc = PH_OK;
    unsigned char prev_kind = DOC_PROSE;

    rc = classify_lines(d);
    if (rc != PH_OK)
        return rc;
    while (i < len) {
        unsigned char c = (unsigned char)t[i];

        /* Code, its comments and prose never share a sentence; each line of
         * code is a sentence of its own. */
        if (!isspace(c) && d->kind[i] != prev_kind) {
            end_sentence(d);
            prev_kind = d->kind[i];
        }
        if (c == '\n' && d->kind[i > 0 ? i - 1 : 0] != DOC_PROSE)
            end_sentence(d);

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
                /* '.' separates the parts of a dotted name (asyncio.gather);
                 * '_' does not: run_cpu_bound is one name, not three words. */
                int sep = k == j || t[k] == '.';
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
            /* A semicolon joins two claims that could each stand as a
             * sentence ("__exit__ = teardown; __exit__ always runs"). */
            if (c == ';' && d->kind[i] == DOC_PROSE)
                end_sentence(d);
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
    if (rc == PH_OK)
        split_coordinated(d);
    return rc;
}

/*
 * A second claim joined by "and" without a comma is a clause of its own:
 * "a shallow copy makes an independent copy of the list and a deep copy is
 * only needed for dicts" says two things, and the second one's words (here
 * "deep copy", an exception to the first belief) must not excuse or complete
 * the first.  Spoken answers lose such commas in transcription.  "and" opens
 * a clause when the clause before it already has a finite verb and an
 * auxiliary or copula follows within three words (the second claim's own
 * verb): "threads and processes are ..." (no verb before) stays one clause.
 */
static int is_finite_verb(const char *w, int aux_only)
{
    static const char *const aux[] = {
        "is",    "are",   "was",    "were",    "does",  "do",     "did",  "has", "have",
        "had",   "can",   "cannot", "will",    "would", "should", "must", "may", "might",
        "could", "isn't", "aren't", "doesn't", "don't", "won't",  "can't"};
    /* Verbs only: no word here is also a plain noun ("a copy", "a run"). */
    static const char *const verbs[] = {"make",  "makes", "made", "gets",  "returns", "creates",
                                        "gives", "takes", "lets", "keeps", "holds",   "needs"};

    for (size_t k = 0; k < sizeof aux / sizeof *aux; k++)
        if (strcmp(w, aux[k]) == 0)
            return 1;
    for (size_t k = 0; !aux_only && k < sizeof verbs / sizeof *verbs; k++)
        if (strcmp(w, verbs[k]) == 0)
            return 1;
    return 0;
}

static void split_coordinated(struct doc *d)
{
    for (size_t i = 1; i + 1 < d->ntok; i++) {
        const struct token *t = &d->tok[i];
        int verb_before = 0, aux_after = 0;
        if (t->ident || t->code || strcmp(t->raw, "and") != 0)
            continue;
        for (size_t j = i; j-- > 0 && !verb_before;) {
            if (d->tok[j].clause != t->clause)
                break;
            verb_before = !d->tok[j].ident && is_finite_verb(d->tok[j].raw, 0);
        }
        for (size_t j = i + 1; j < d->ntok && j <= i + 3 && !aux_after; j++) {
            if (d->tok[j].clause != t->clause)
                break;
            aux_after = !d->tok[j].ident && is_finite_verb(d->tok[j].raw, 1);
        }
        if (!verb_before || !aux_after)
            continue;
        for (size_t k = i; k < d->ntok; k++)
            d->tok[k].clause++;
        d->clause++;
    }
}

/* Negation needs a word or two of context: "instead of X" and "rather than X"
 * deny X; "not only X" and "whether or not X" deny nothing. */
void doc_mark_negators(struct doc *d)
{
    for (size_t i = 0; i < d->ntok; i++) {
        struct token *t = &d->tok[i];
        const struct token *nx = i + 1 < d->ntok ? &d->tok[i + 1] : NULL;
        if (t->ident)
            continue;
        if (nx != NULL && nx->sent == t->sent &&
            ((strcmp(t->raw, "instead") == 0 && strcmp(nx->raw, "of") == 0) ||
             (strcmp(t->raw, "rather") == 0 && strcmp(nx->raw, "than") == 0)))
            t->neg = NEG_CONTRAST;
        if (t->neg && nx != NULL && nx->sent == t->sent &&
            (strcmp(nx->raw, "only") == 0 || strcmp(nx->raw, "just") == 0))
            t->neg = 0;
        /* "whether or not", "with or without" */
        if (t->neg && i > 0 && strcmp(d->tok[i - 1].raw, "or") == 0)
            t->neg = 0;
        /* Python's None is a value, not a denial: "returns False/None and
         * lets errors propagate" ("None of them ..." still denies). */
        if (t->neg && strcmp(t->raw, "none") == 0 && d->text[t->off] == 'N' &&
            (nx == NULL || strcmp(nx->raw, "of") != 0))
            t->neg = 0;
    }
}
