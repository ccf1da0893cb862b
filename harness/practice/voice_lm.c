/*
 * voice_lm.c - see voice_lm.h.
 */
#include "voice_lm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "exercise.h"
#include "fileio.h"
#include "qbank.h"
#include "rubric.h"
#include "sha256.h"
#include "voice.h"

/* Bumped when spoken_split() changes the words it makes from a text
 * (2: identifiers keep their spoken "dot", '=' is "equals"). */
#define VOICE_LM_WORDS_VERSION "words-2"
/* A question file, and the general dictionary read for the stems' words. */
#define VOICE_LM_SOURCE_MAX (4 * 1024 * 1024)
#define VOICE_LM_DICT_MAX (16 * 1024 * 1024)
/* A stem ("schedul*") brings the dictionary's words made of it and one of
 * these endings (schedule, scheduler, scheduling), not every word that starts
 * with it ("step*" is not "steptoe"). */
static const char *const stem_tails[] = {
    "",   "s",    "es",   "e",     "ed",    "d",      "er",  "ers", "ing", "ings", "ion", "ions",
    "ly", "able", "ment", "ments", "ation", "ations", "ive", "ion", "y",   "ies",  "ied"};
/* The project's pronunciation supplement is a few hundred lines. */
#define VOICE_LM_EXTRA_MAX (1024 * 1024)

void voice_lm_files_free(struct voice_lm_files *f)
{
    free(f->arpa);
    free(f->dict);
    memset(f, 0, sizeof *f);
}

static int push(const char ***v, size_t *n, size_t *cap, const char *s)
{
    if (s == NULL || s[0] == '\0')
        return 0;
    if (*n == *cap) {
        size_t ncap = *cap != 0 ? *cap * 2 : 256;
        const char **nv = realloc(*v, ncap * sizeof *nv);
        if (nv == NULL)
            return -1;
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = s;
    return 0;
}

static enum ph_rc mkdirs(const char *path, struct ph_err *err)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);

    if (len >= sizeof buf)
        return ph_errf(err, PH_EINPUT, "%s: path too long", path);
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return ph_errf(err, PH_EIO, "%s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EIO, "%s: %s", buf, strerror(errno));
    return PH_OK;
}

static enum ph_rc cache_dir(char *buf, size_t size, struct ph_err *err)
{
    const char *env = getenv("PYHARNESS_VOICE_CACHE");
    const char *base = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;

    if (env != NULL && env[0] != '\0')
        n = snprintf(buf, size, "%s", env);
    else if (base != NULL && base[0] == '/')
        n = snprintf(buf, size, "%s/pyharness/voice", base);
    else if (home != NULL && home[0] != '\0')
        n = snprintf(buf, size, "%s/.cache/pyharness/voice", home);
    else
        return ph_errf(err, PH_EINPUT,
                       "no place for the voice model: set PYHARNESS_VOICE_CACHE, "
                       "XDG_CACHE_HOME or HOME");
    if (n < 0 || (size_t)n >= size)
        return ph_errf(err, PH_EINPUT, "voice cache path too long");
    return mkdirs(buf, err);
}

void voice_lm_mix_default(struct voice_lm_mix *mix)
{
    const char *env = getenv("PYHARNESS_VOICE_MIX");

    mix->words = VOICE_LM_MIX_WORDS;
    mix->weight = VOICE_LM_MIX_WEIGHT;
    if (env != NULL && env[0] != '\0') {
        char *end;
        unsigned long w = strtoul(env, &end, 10);
        if (*end == ',') {
            double x = strtod(end + 1, &end);
            if (*end == '\0' && w > 0 && w <= 200000 && x > 0 && x < 1) {
                mix->words = (size_t)w;
                mix->weight = x;
            }
        }
    }
}

/* Owned strings: the rubric terms added to the corpus. */
struct strs {
    char **s;
    size_t n, cap;
};

static void strs_free(struct strs *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->s[i]);
    free(v->s);
    memset(v, 0, sizeof *v);
}

static int strs_add(struct strs *v, const char *s, size_t len)
{
    char *d;

    if (v->n == v->cap) {
        size_t ncap = v->cap != 0 ? v->cap * 2 : 256;
        char **ns = realloc(v->s, ncap * sizeof *ns);
        if (ns == NULL)
            return -1;
        v->s = ns;
        v->cap = ncap;
    }
    d = malloc(len + 1);
    if (d == NULL)
        return -1;
    memcpy(d, s, len);
    d[len] = '\0';
    v->s[v->n++] = d;
    return 0;
}

/* Every string of every "concepts" array under `node`: the words the offline
 * scorer matches.  A term ending in '*' is a stem and goes to `stems`
 * (without the '*'), the others to `terms`. */
static int collect_concepts(const cJSON *node, int in_concepts, struct strs *terms,
                            struct strs *stems)
{
    const cJSON *c;

    if (cJSON_IsString(node) && in_concepts) {
        const char *t = node->valuestring;
        size_t len = strlen(t);
        if (len > 1 && t[len - 1] == '*' && strchr(t, ' ') == NULL)
            return strs_add(stems, t, len - 1);
        return strs_add(terms, t, len);
    }
    cJSON_ArrayForEach(c, node)
    {
        int in = in_concepts || (c->string != NULL && strcmp(c->string, "concepts") == 0);
        if (collect_concepts(c, in, terms, stems) != 0)
            return -1;
    }
    return 0;
}

/*
 * The rubric terms of the bank: the phrases the offline scorer looks for
 * ("str", "yield* control", "pause*") are often words that no question,
 * model answer or point says, so the recogniser could never write them.  Each
 * term is one more sentence of the corpus, and each stem brings the general
 * dictionary's words that start with it.
 */
static enum ph_rc rubric_terms(const struct qbank *b, struct strs *out, struct ph_err *err)
{
    struct strs stems = {0};
    char *dict = NULL;
    size_t len = 0;
    enum ph_rc rc = PH_OK;

    for (size_t i = 0; i < b->n && rc == PH_OK; i++) {
        char *text = NULL;
        size_t tlen = 0;
        cJSON *root;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(b->q[k].source, b->q[i].source) == 0;
        if (seen)
            continue;
        rc = fileio_read(b->q[i].source, VOICE_LM_SOURCE_MAX, &text, &tlen, err);
        if (rc != PH_OK)
            break;
        root = cJSON_ParseWithLength(text, tlen);
        free(text);
        if (root == NULL)
            continue; /* qbank.c read it already and says what is wrong */
        if (collect_concepts(root, 0, out, &stems) != 0)
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
        cJSON_Delete(root);
    }
    if (rc != PH_OK || stems.n == 0)
        goto out;
    rc = fileio_read(voice_general_dict(), VOICE_LM_DICT_MAX, &dict, &len, err);
    if (rc != PH_OK)
        goto out;
    for (char *line = dict; line < dict + len && rc == PH_OK;) {
        char *end = memchr(line, '\n', (size_t)(dict + len - line));
        size_t wl = 0;
        if (end == NULL)
            end = dict + len;
        while (line + wl < end && line[wl] != ' ' && line[wl] != '\t' && line[wl] != '(')
            wl++;
        for (size_t k = 0; k < stems.n && line[wl] != '('; k++) {
            size_t sl = strlen(stems.s[k]);
            int tail = 0;
            if (wl < sl || strncmp(line, stems.s[k], sl) != 0)
                continue;
            for (size_t t = 0; t < sizeof stem_tails / sizeof *stem_tails && !tail; t++)
                tail = strlen(stem_tails[t]) == wl - sl &&
                       strncmp(line + sl, stem_tails[t], wl - sl) == 0;
            if (tail) {
                if (strs_add(out, line, wl) != 0)
                    rc = ph_errf(err, PH_ENOMEM, "out of memory");
                break;
            }
        }
        line = end + 1;
    }
out:
    free(dict);
    strs_free(&stems);
    return rc;
}

int voice_lm_terms(void)
{
    const char *env = getenv("PYHARNESS_VOICE_TERMS");

    if (env != NULL && env[0] != '\0')
        return strcmp(env, "0") != 0;
    return VOICE_LM_TERMS;
}

int voice_lm_focus_repeat(void)
{
    const char *env = getenv("PYHARNESS_VOICE_FOCUS");

    if (env != NULL && env[0] != '\0') {
        char *end;
        long k = strtol(env, &end, 10);
        if (*end == '\0' && k >= 0 && k <= 100)
            return (int)k;
    }
    return VOICE_LM_FOCUS_REPEAT;
}

/* The texts of one question: its question, model answer, rubric points and
 * misconceptions (a wrong answer is said in the question's words too). */
static int push_question(const char ***texts, size_t *n, size_t *cap, const struct exercise *ex)
{
    if (push(texts, n, cap, ex->question) != 0 || push(texts, n, cap, ex->model_answer) != 0)
        return -1;
    for (size_t k = 0; ex->rubric != NULL && k < ex->rubric->npoints; k++)
        if (push(texts, n, cap, ex->rubric->points[k].text) != 0)
            return -1;
    for (size_t k = 0; ex->rubric != NULL && k < ex->rubric->nmisconceptions; k++)
        if (push(texts, n, cap, ex->rubric->misconceptions[k].text) != 0)
            return -1;
    return 0;
}

enum ph_rc voice_lm_bank(const struct qbank *b, const struct voice_lm_mix *mix,
                         const struct qbank_question *focus, struct voice_lm_files *out,
                         struct ph_err *err)
{
    char focustag[160];
    struct strs terms = {0};
    int repeat = focus != NULL ? voice_lm_focus_repeat() : 0;
    struct voice_unigrams uni;
    struct lm_general gen;
    char mixtag[64];
    const char **texts = NULL;
    size_t n = 0, cap = 0;
    struct sha256_ctx h;
    unsigned char digest[32];
    char hex[65], dir[PATH_MAX], arpa[PATH_MAX + 64], dict[PATH_MAX + 64];
    char tmp_a[PATH_MAX + 80], tmp_d[PATH_MAX + 80], extra[PATH_MAX + 32];
    int have_extra = 0;
    enum ph_rc rc;

    memset(out, 0, sizeof *out);
    memset(&uni, 0, sizeof uni);
    mixtag[0] = '\0';
    if (mix != NULL)
        snprintf(mixtag, sizeof mixtag, "mix %zu %.6f", mix->words, mix->weight);
    for (size_t i = 0; i < b->n; i++)
        if (push_question(&texts, &n, &cap, b->q[i].ex) != 0)
            goto oom;
    if (voice_lm_terms()) {
        rc = rubric_terms(b, &terms, err);
        if (rc != PH_OK)
            goto out;
        for (size_t i = 0; i < terms.n; i++)
            if (push(&texts, &n, &cap, terms.s[i]) != 0)
                goto oom;
    }
    /* The question being answered, counted `repeat` more times: its words and
     * phrases become likelier than the rest of the bank's. */
    focustag[0] = '\0';
    if (repeat > 0) {
        snprintf(focustag, sizeof focustag, "focus %d %s", repeat, focus->id);
        for (int r = 0; r < repeat; r++)
            if (push_question(&texts, &n, &cap, focus->ex) != 0)
                goto oom;
    }
    sha256_init(&h);
    for (size_t i = 0; i < n; i++)
        sha256_update(&h, texts[i], strlen(texts[i]) + 1);
    sha256_update(&h, voice_general_dict(), strlen(voice_general_dict()) + 1);
    /* How texts become words (spoken.c): a change there rebuilds the model. */
    sha256_update(&h, VOICE_LM_WORDS_VERSION, sizeof VOICE_LM_WORDS_VERSION);
    /* The everyday words mixed in, and how many at what weight. */
    sha256_update(&h, mixtag, strlen(mixtag) + 1);
    if (focustag[0] != '\0')
        sha256_update(&h, focustag, strlen(focustag) + 1);
    if (mix != NULL)
        sha256_update(&h, voice_general_lm(), strlen(voice_general_lm()) + 1);
    /* The project's own pronunciations (jargon the general dictionary lacks). */
    snprintf(extra, sizeof extra, "%s/pronunciations.dict", b->dir);
    if (access(extra, R_OK) == 0) {
        char *text = NULL;
        size_t len = 0;
        if (fileio_read(extra, VOICE_LM_EXTRA_MAX, &text, &len, err) != PH_OK) {
            rc = err != NULL ? err->rc : PH_EIO;
            goto out;
        }
        sha256_update(&h, text, len);
        free(text);
        have_extra = 1;
    }
    sha256_final(&h, digest);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    rc = cache_dir(dir, sizeof dir, err);
    if (rc != PH_OK)
        goto out;
    snprintf(arpa, sizeof arpa, "%s/%s%s-%s.arpa", dir, mix != NULL ? "mixed" : "bank",
             repeat > 0 ? "-q" : "", hex);
    snprintf(dict, sizeof dict, "%s/%s%s-%s.dict", dir, mix != NULL ? "mixed" : "bank",
             repeat > 0 ? "-q" : "", hex);
    if (access(arpa, R_OK) != 0 || access(dict, R_OK) != 0) {
        /* Built under temporary names, then renamed: a session that starts
         * while another builds never reads half a model. */
        snprintf(tmp_a, sizeof tmp_a, "%s.%ld.tmp", arpa, (long)getpid());
        snprintf(tmp_d, sizeof tmp_d, "%s.%ld.tmp", dict, (long)getpid());
        if (mix != NULL) {
            rc = voice_general_unigrams(mix->words, &uni, err);
            if (rc != PH_OK)
                goto out;
            gen.word = uni.word;
            gen.p = uni.p;
            gen.n = uni.n;
            gen.weight = mix->weight;
        }
        rc = lm_build(texts, n, voice_general_dict(), have_extra ? extra : NULL,
                      mix != NULL ? &gen : NULL, tmp_a, tmp_d, &out->stats, err);
        if (rc == PH_OK && (rename(tmp_d, dict) != 0 || rename(tmp_a, arpa) != 0))
            rc = ph_errf(err, PH_EIO, "%s: %s", arpa, strerror(errno));
        if (rc != PH_OK) {
            unlink(tmp_a);
            unlink(tmp_d);
            goto out;
        }
        out->built = 1;
    }
    out->arpa = strdup(arpa);
    out->dict = strdup(dict);
    if (out->arpa == NULL || out->dict == NULL)
        goto oom;
    rc = PH_OK;
    goto out;
oom:
    rc = ph_errf(err, PH_ENOMEM, "out of memory");
out:
    if (rc != PH_OK)
        voice_lm_files_free(out);
    voice_unigrams_free(&uni);
    free(texts);
    strs_free(&terms);
    return rc;
}
