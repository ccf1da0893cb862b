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

#include "exercise.h"
#include "fileio.h"
#include "qbank.h"
#include "rubric.h"
#include "sha256.h"
#include "voice.h"

/* Bumped when spoken_split() changes the words it makes from a text
 * (2: identifiers keep their spoken "dot", '=' is "equals"). */
#define VOICE_LM_WORDS_VERSION "words-2"
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

enum ph_rc voice_lm_bank(const struct qbank *b, const struct voice_lm_mix *mix,
                         struct voice_lm_files *out, struct ph_err *err)
{
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
    for (size_t i = 0; i < b->n; i++) {
        const struct exercise *ex = b->q[i].ex;
        if (push(&texts, &n, &cap, ex->question) != 0 ||
            push(&texts, &n, &cap, ex->model_answer) != 0)
            goto oom;
        for (size_t k = 0; ex->rubric != NULL && k < ex->rubric->npoints; k++)
            if (push(&texts, &n, &cap, ex->rubric->points[k].text) != 0)
                goto oom;
        for (size_t k = 0; ex->rubric != NULL && k < ex->rubric->nmisconceptions; k++)
            if (push(&texts, &n, &cap, ex->rubric->misconceptions[k].text) != 0)
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
    snprintf(arpa, sizeof arpa, "%s/%s-%s.arpa", dir, mix != NULL ? "mixed" : "bank", hex);
    snprintf(dict, sizeof dict, "%s/%s-%s.dict", dir, mix != NULL ? "mixed" : "bank", hex);
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
    return rc;
}
