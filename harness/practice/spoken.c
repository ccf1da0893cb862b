/*
 * spoken.c - see spoken.h.
 */
#include "spoken.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const ones[] = {"zero",    "one",     "two",       "three",    "four",
                                   "five",    "six",     "seven",     "eight",    "nine",
                                   "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                   "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const tens[] = {"",      "",      "twenty",  "thirty", "forty",
                                   "fifty", "sixty", "seventy", "eighty", "ninety"};

static int push(struct spoken_words *o, size_t *cap, const char *w, size_t n)
{
    char *s;

    if (n == 0)
        return 0;
    if (n > SPOKEN_WORD_MAX)
        n = SPOKEN_WORD_MAX;
    if (o->n == *cap) {
        size_t ncap = *cap != 0 ? *cap * 2 : 64;
        char **nw = realloc(o->w, ncap * sizeof *nw);
        if (nw == NULL)
            return -1;
        o->w = nw;
        *cap = ncap;
    }
    s = malloc(n + 1);
    if (s == NULL)
        return -1;
    memcpy(s, w, n);
    s[n] = '\0';
    o->w[o->n++] = s;
    return 0;
}

static int push_s(struct spoken_words *o, size_t *cap, const char *w)
{
    return push(o, cap, w, strlen(w));
}

/* Number words for 0..999999; longer digit runs are read digit by digit. */
static int push_number(struct spoken_words *o, size_t *cap, const char *d, size_t n)
{
    unsigned long v = 0;

    if (n > 6) {
        for (size_t i = 0; i < n; i++)
            if (push_s(o, cap, ones[d[i] - '0']) != 0)
                return -1;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned long)(d[i] - '0');
    if (v == 0)
        return push_s(o, cap, "zero");
    if (v >= 1000) {
        char buf[8];
        int k = 0;
        unsigned long th = v / 1000;
        unsigned long t = th;
        /* Recurse through the digits of the thousands. */
        char tmp[8];
        int m = 0;
        while (t > 0 && m < 7) {
            tmp[m++] = (char)('0' + t % 10);
            t /= 10;
        }
        while (m > 0)
            buf[k++] = tmp[--m];
        if (push_number(o, cap, buf, (size_t)k) != 0 || push_s(o, cap, "thousand") != 0)
            return -1;
        v %= 1000;
        if (v == 0)
            return 0;
    }
    if (v >= 100) {
        if (push_s(o, cap, ones[v / 100]) != 0 || push_s(o, cap, "hundred") != 0)
            return -1;
        v %= 100;
        if (v == 0)
            return 0;
    }
    if (v < 20)
        return push_s(o, cap, ones[v]);
    if (push_s(o, cap, tens[v / 10]) != 0)
        return -1;
    return v % 10 != 0 ? push_s(o, cap, ones[v % 10]) : 0;
}

int spoken_split(const char *text, int mark_sentences, struct spoken_words *out)
{
    size_t cap = 0;
    const unsigned char *p = (const unsigned char *)text;
    char word[SPOKEN_WORD_MAX + 1];
    size_t wn = 0;
    int last_was_end = 1;

    memset(out, 0, sizeof *out);
    for (;; p++) {
        unsigned char c = *p;
        if (isalpha(c) || (c == '\'' && wn > 0 && isalpha(p[1]))) {
            if (wn < SPOKEN_WORD_MAX)
                word[wn++] = (char)tolower(c);
            continue;
        }
        if (wn > 0) {
            if (push(out, &cap, word, wn) != 0)
                goto fail;
            wn = 0;
            last_was_end = 0;
        }
        if (isdigit(c)) {
            const unsigned char *d = p;
            while (isdigit(p[1]))
                p++;
            if (push_number(out, &cap, (const char *)d, (size_t)(p - d + 1)) != 0)
                goto fail;
            last_was_end = 0;
            continue;
        }
        /* Read aloud as espeak-ng and most people do: "asyncio.gather" is
         * "asyncio dot gather", "x == y" "x equals equals y", "3.5" "three point five" ('_' is
         * silent). */
        if (c == '.' && p > (const unsigned char *)text && (isalpha(p[-1]) || p[-1] == '_') &&
            (isalpha(p[1]) || p[1] == '_')) {
            if (push(out, &cap, "dot", 3) != 0)
                goto fail;
            continue;
        }
        if (c == '.' && p > (const unsigned char *)text && isdigit(p[-1]) && isdigit(p[1])) {
            if (push(out, &cap, "point", 5) != 0)
                goto fail;
            continue;
        }
        if (c == '=') {
            if (push(out, &cap, "equals", 6) != 0)
                goto fail;
            last_was_end = 0;
            continue;
        }
        if (c == '\0' || c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '\n') {
            /* "3.5" and "asyncio.gather" are not sentence ends. */
            int inner = c == '.' && p[1] != '\0' && !isspace(p[1]);
            if (mark_sentences && !last_was_end && !inner) {
                if (push_s(out, &cap, "</s>") != 0)
                    goto fail;
                last_was_end = 1;
            }
            if (c == '\0')
                break;
        }
    }
    return 0;
fail:
    spoken_words_free(out);
    return -1;
}

void spoken_words_free(struct spoken_words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->w[i]);
    free(w->w);
    memset(w, 0, sizeof *w);
}

double spoken_wer(const char *ref, const char *hyp)
{
    struct spoken_words r, h;
    size_t *prev = NULL, *cur = NULL;
    double wer = 1.0;

    if (spoken_split(ref, 0, &r) != 0)
        return 1.0;
    if (spoken_split(hyp, 0, &h) != 0) {
        spoken_words_free(&r);
        return 1.0;
    }
    if (r.n == 0) {
        wer = h.n == 0 ? 0.0 : 1.0;
        goto out;
    }
    prev = malloc((h.n + 1) * sizeof *prev);
    cur = malloc((h.n + 1) * sizeof *cur);
    if (prev == NULL || cur == NULL)
        goto out;
    for (size_t j = 0; j <= h.n; j++)
        prev[j] = j;
    for (size_t i = 1; i <= r.n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= h.n; j++) {
            size_t sub = prev[j - 1] + (strcmp(r.w[i - 1], h.w[j - 1]) != 0);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t best = sub < del ? sub : del;
            cur[j] = best < ins ? best : ins;
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    wer = (double)prev[h.n] / (double)r.n;
out:
    free(prev);
    free(cur);
    spoken_words_free(&r);
    spoken_words_free(&h);
    return wer;
}
