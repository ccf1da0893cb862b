/*
 * lm.c - see lm.h.
 *
 * The corpus is small (a few thousand words), so n-grams are kept in sorted
 * arrays: counting is a sort and a scan, and a lookup is a binary search.
 */
#include "lm.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spoken.h"

/* A dictionary line is a word and its phones: 64 phones is past any entry. */
#define LM_DICT_LINE_MAX 1024
/* Discounts outside this range mean too few counts to estimate one. */
#define LM_D_MIN 0.1
#define LM_D_MAX 0.9
/* log10 of "never": what ARPA files give <s> as a predicted word. */
#define LM_LOG_NEVER (-99.0)

struct gram {
    int w[3];
    double c;
    double p;     /* probability (not log) */
    double alpha; /* back-off weight when it is a history of the next order */
    int is_hist;
};

struct counts {
    struct gram *g;
    size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int word_id(char **vocab, size_t nvocab, const char *w)
{
    char **hit = bsearch(&w, vocab, nvocab, sizeof *vocab, cmp_str);

    return hit != NULL ? (int)(hit - vocab) : -1;
}

static int gram_order; /* for cmp_gram; set before each qsort (single-threaded use) */

static int cmp_gram(const void *a, const void *b)
{
    const struct gram *x = a, *y = b;

    for (int i = 0; i < gram_order; i++)
        if (x->w[i] != y->w[i])
            return x->w[i] < y->w[i] ? -1 : 1;
    return 0;
}

static int add_gram(struct counts *c, const int *w, int order)
{
    if (c->n == c->cap) {
        size_t ncap = c->cap != 0 ? c->cap * 2 : 1024;
        struct gram *ng = realloc(c->g, ncap * sizeof *ng);
        if (ng == NULL)
            return -1;
        c->g = ng;
        c->cap = ncap;
    }
    memset(&c->g[c->n], 0, sizeof c->g[c->n]);
    for (int i = 0; i < order; i++)
        c->g[c->n].w[i] = w[i];
    c->g[c->n].c = 1;
    c->n++;
    return 0;
}

/* Sort and merge duplicates, summing counts. */
static void merge(struct counts *c, int order)
{
    size_t k = 0;

    if (c->n == 0)
        return;
    gram_order = order;
    qsort(c->g, c->n, sizeof *c->g, cmp_gram);
    for (size_t i = 1; i < c->n; i++) {
        if (cmp_gram(&c->g[k], &c->g[i]) == 0)
            c->g[k].c += c->g[i].c;
        else
            c->g[++k] = c->g[i];
    }
    c->n = k + 1;
}

static struct gram *find(struct counts *c, const int *w, int order)
{
    struct gram key;

    memset(&key, 0, sizeof key);
    for (int i = 0; i < order; i++)
        key.w[i] = w[i];
    gram_order = order;
    return bsearch(&key, c->g, c->n, sizeof *c->g, cmp_gram);
}

/* D = n1 / (n1 + 2 n2) over the counts of one order. */
static double discount(const struct counts *c)
{
    double n1 = 0, n2 = 0, d;

    for (size_t i = 0; i < c->n; i++) {
        if (c->g[i].c == 1)
            n1++;
        else if (c->g[i].c == 2)
            n2++;
    }
    d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
    return d < LM_D_MIN ? LM_D_MIN : d > LM_D_MAX ? LM_D_MAX : d;
}

/*
 * Probabilities and back-off weights of order `order` (2 or 3) from its
 * counts; `lower` holds order-1 with probabilities already set.  The grams
 * are sorted, so those sharing a history are adjacent.
 */
static void estimate(struct counts *hi, struct counts *lower, int order)
{
    double d = discount(hi);
    size_t i = 0;

    while (i < hi->n) {
        size_t j = i;
        double total = 0, types = 0, lower_mass = 0;
        while (j < hi->n &&
               memcmp(hi->g[j].w, hi->g[i].w, sizeof(int) * (size_t)(order - 1)) == 0) {
            total += hi->g[j].c;
            types++;
            j++;
        }
        for (size_t k = i; k < j; k++) {
            struct gram *lo = find(lower, hi->g[k].w + 1, order - 1);
            hi->g[k].p = (hi->g[k].c - d) / total;
            lower_mass += lo != NULL ? lo->p : 0;
        }
        /* The history's back-off weight lives on its gram of the lower order. */
        struct gram *h = find(lower, hi->g[i].w, order - 1);
        if (h != NULL) {
            double left = d * types / total;
            double denom = 1.0 - lower_mass;
            h->alpha = left / (denom > 1e-6 ? denom : 1e-6);
            h->is_hist = 1;
        }
        i = j;
    }
}

static double lg(double p)
{
    return p > 0 ? log10(p) : LM_LOG_NEVER;
}

static enum ph_rc write_arpa(const char *path, char **vocab, struct counts *c, int s_id,
                             struct ph_err *err)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return ph_errf(err, PH_EIO, "%s: %s", path, strerror(errno));
    fprintf(f, "\\data\\\n");
    for (int o = 0; o < 3; o++)
        fprintf(f, "ngram %d=%zu\n", o + 1, c[o].n);
    for (int o = 0; o < 3; o++) {
        fprintf(f, "\n\\%d-grams:\n", o + 1);
        for (size_t i = 0; i < c[o].n; i++) {
            const struct gram *g = &c[o].g[i];
            double p = (o == 0 && g->w[0] == s_id) ? 0 : g->p;
            fprintf(f, "%.4f", lg(p));
            for (int k = 0; k <= o; k++)
                fprintf(f, " %s", vocab[g->w[k]]);
            if (o < 2 && g->is_hist)
                fprintf(f, " %.4f", lg(g->alpha));
            fputc('\n', f);
        }
    }
    fprintf(f, "\n\\end\\\n");
    if (ferror(f) || fclose(f) != 0)
        return ph_errf(err, PH_EIO, "%s: write failed", path);
    return PH_OK;
}

/* Copy the dictionary lines of words in `vocab` to `out` (appending when
 * `append`); mark known[id].  With `skip_known`, words already known (from
 * an earlier dictionary) are not copied again. */
static enum ph_rc filter_dict(const char *in, const char *out, int append, int skip_known,
                              char **vocab, size_t nvocab, char *known, struct ph_err *err)
{
    FILE *fi = fopen(in, "r"), *fo = NULL;
    char *seen = calloc(nvocab > 0 ? nvocab : 1, 1);
    char line[LM_DICT_LINE_MAX];
    enum ph_rc rc = PH_EIO;

    if (fi == NULL || seen == NULL) {
        free(seen);
        if (fi != NULL)
            fclose(fi);
        return ph_errf(err, PH_EINPUT, "%s: %s (a pronunciation dictionary)", in, strerror(errno));
    }
    fo = fopen(out, append ? "a" : "w");
    if (fo == NULL) {
        rc = ph_errf(err, PH_EIO, "%s: %s", out, strerror(errno));
        goto out;
    }
    while (fgets(line, sizeof line, fi) != NULL) {
        char word[SPOKEN_WORD_MAX + 1];
        size_t k = 0;
        int id;
        while (line[k] != '\0' && line[k] != ' ' && line[k] != '\t' && line[k] != '(' &&
               k < SPOKEN_WORD_MAX) {
            word[k] = line[k];
            k++;
        }
        word[k] = '\0';
        if (k == 0)
            continue;
        id = word_id(vocab, nvocab, word);
        if (id < 0 || (skip_known && known[id] && !seen[id]))
            continue;
        known[id] = 1;
        seen[id] = 1;
        fputs(line, fo);
        if (strchr(line, '\n') == NULL)
            fputc('\n', fo);
    }
    if (ferror(fi) || ferror(fo)) {
        rc = ph_errf(err, PH_EIO, "%s: read or write failed", out);
        goto out;
    }
    rc = PH_OK;
out:
    if (fo != NULL && fclose(fo) != 0 && rc == PH_OK)
        rc = ph_errf(err, PH_EIO, "%s: write failed", out);
    fclose(fi);
    free(seen);
    return rc;
}

enum ph_rc lm_build(const char *const *texts, size_t n, const char *dict_in, const char *extra_dict,
                    const struct lm_general *gen, const char *arpa_out, const char *dict_out,
                    struct lm_stats *stats, struct ph_err *err)
{
    struct spoken_words *words = calloc(n > 0 ? n : 1, sizeof *words);
    char **vocab = NULL;
    char *known = NULL;
    size_t nvocab = 0, cap = 0;
    struct counts c[3];
    struct lm_stats st;
    int s_id, e_id;
    enum ph_rc rc = PH_ENOMEM;
    double total1 = 0, gen_total = 0;
    double *genp = NULL;
    size_t ngen = gen != NULL && gen->weight > 0 && gen->weight < 1 ? gen->n : 0;

    memset(c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    if (words == NULL)
        goto oom;
    /* Vocabulary: every word of the texts, plus the sentence marks. */
    for (size_t i = 0; i < n; i++) {
        if (spoken_split(texts[i], 1, &words[i]) != 0)
            goto oom;
        for (size_t k = 0; k < words[i].n; k++) {
            if (nvocab + 2 >= cap) {
                size_t ncap = cap != 0 ? cap * 2 : 1024;
                char **nv = realloc(vocab, ncap * sizeof *nv);
                if (nv == NULL)
                    goto oom;
                vocab = nv;
                cap = ncap;
            }
            vocab[nvocab++] = words[i].w[k];
        }
    }
    if (nvocab + 2 + ngen >= cap) {
        char **nv = realloc(vocab, (nvocab + 2 + ngen) * sizeof *nv);
        if (nv == NULL)
            goto oom;
        vocab = nv;
    }
    vocab[nvocab++] = "<s>";
    vocab[nvocab++] = "</s>";
    for (size_t i = 0; i < ngen; i++)
        vocab[nvocab++] = gen->word[i];
    qsort(vocab, nvocab, sizeof *vocab, cmp_str);
    {
        size_t k = 0;
        for (size_t i = 1; i < nvocab; i++)
            if (strcmp(vocab[k], vocab[i]) != 0)
                vocab[++k] = vocab[i];
        nvocab = k + 1;
    }
    known = calloc(nvocab, 1);
    if (known == NULL)
        goto oom;
    if (extra_dict != NULL) {
        rc = filter_dict(extra_dict, dict_out, 0, 0, vocab, nvocab, known, err);
        if (rc != PH_OK)
            goto out;
    }
    rc = filter_dict(dict_in, dict_out, extra_dict != NULL, 1, vocab, nvocab, known, err);
    if (rc != PH_OK)
        goto out;
    s_id = word_id(vocab, nvocab, "<s>");
    e_id = word_id(vocab, nvocab, "</s>");
    known[s_id] = known[e_id] = 1;
    for (size_t i = 0; i < nvocab; i++)
        if (!known[i])
            st.dropped++;
    /* The general words the dictionaries know, each with its share. */
    genp = calloc(nvocab, sizeof *genp);
    if (genp == NULL)
        goto oom;
    for (size_t i = 0; i < ngen; i++) {
        int id = word_id(vocab, nvocab, gen->word[i]);
        if (id < 0 || !known[id] || id == s_id || id == e_id || genp[id] > 0 || gen->p[i] <= 0)
            continue;
        genp[id] = gen->p[i];
        gen_total += gen->p[i];
    }

    /* Count n-grams sentence by sentence; unknown words are left out. */
    for (size_t i = 0; i < n; i++) {
        int hist[2] = {s_id, -1};
        int nh = 1;
        int seq[3];
        seq[0] = s_id;
        if (add_gram(&c[0], seq, 1) != 0)
            goto oom;
        for (size_t k = 0; k < words[i].n; k++) {
            int id = word_id(vocab, nvocab, words[i].w[k]);
            if (id < 0 || !known[id])
                continue;
            if (id == e_id && nh == 1 && hist[0] == s_id)
                continue; /* an empty sentence */
            seq[0] = id;
            if (add_gram(&c[0], seq, 1) != 0)
                goto oom;
            seq[0] = hist[nh - 1];
            seq[1] = id;
            if (add_gram(&c[1], seq, 2) != 0)
                goto oom;
            if (nh == 2) {
                seq[0] = hist[0];
                seq[1] = hist[1];
                seq[2] = id;
                if (add_gram(&c[2], seq, 3) != 0)
                    goto oom;
            }
            if (id == e_id) {
                st.sentences++;
                hist[0] = s_id;
                nh = 1;
                seq[0] = s_id;
                if (add_gram(&c[0], seq, 1) != 0)
                    goto oom;
                continue;
            }
            if (nh == 1) {
                hist[1] = id;
                nh = 2;
            } else {
                hist[0] = hist[1];
                hist[1] = id;
            }
        }
    }
    /* Every general word is a unigram, counted 0 times in the texts. */
    for (size_t i = 0; i < nvocab; i++) {
        int seq[3] = {(int)i, 0, 0};
        if (genp[i] <= 0)
            continue;
        if (add_gram(&c[0], seq, 1) != 0)
            goto oom;
        c[0].g[c[0].n - 1].c = 0;
    }
    for (int o = 0; o < 3; o++)
        merge(&c[o], o + 1);
    /* Unigrams: relative frequency in the texts, mixed with the general
     * words' shares when there are any. */
    for (size_t i = 0; i < c[0].n; i++)
        if (c[0].g[i].w[0] != s_id)
            total1 += c[0].g[i].c;
    for (size_t i = 0; i < c[0].n; i++) {
        struct gram *g = &c[0].g[i];
        if (g->w[0] == s_id) {
            g->p = 0;
            continue;
        }
        g->p = g->c / total1;
        if (gen_total > 0)
            g->p = (1 - gen->weight) * g->p + gen->weight * genp[g->w[0]] / gen_total;
        if (g->c == 0)
            st.general++;
    }
    estimate(&c[1], &c[0], 2);
    estimate(&c[2], &c[1], 3);
    rc = write_arpa(arpa_out, vocab, c, s_id, err);
    if (rc != PH_OK)
        goto out;
    st.vocab = c[0].n >= 2 ? c[0].n - 2 : 0;
    for (int o = 0; o < 3; o++)
        st.ngrams[o] = c[o].n;
    if (stats != NULL)
        *stats = st;
    rc = PH_OK;
    goto out;
oom:
    rc = ph_errf(err, PH_ENOMEM, "out of memory building the language model");
out:
    for (int o = 0; o < 3; o++)
        free(c[o].g);
    free(known);
    free(genp);
    free(vocab);
    for (size_t i = 0; words != NULL && i < n; i++)
        spoken_words_free(&words[i]);
    free(words);
    return rc;
}
