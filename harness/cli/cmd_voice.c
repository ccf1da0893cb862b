/*
 * cmd_voice.c - see cmd_voice.h.
 */
#include "cmd_voice.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "exercise.h"
#include "explain.h"
#include "fileio.h"
#include "paths.h"
#include "practice_score.h"
#include "qbank.h"
#include "spoken.h"
#include "stt_http.h"
#include "voice.h"
#include "voice_lm.h"

/* A file of answers to measure: a few dozen paragraphs. */
#define VOICE_ANSWERS_MAX (1024 * 1024)

static const char usage[] =
    "usage: pyharness voice say TEXT [--wav OUT]\n"
    "       pyharness voice transcribe WAV [--lm bank|mixed|general]  (PYHARNESS_STT_URL: a "
    "server)\n"
    "       pyharness voice lm [--lm bank|mixed]\n"
    "       pyharness voice measure [--answers FILE] [--limit N] [--lm NAME] [--json]\n"
    "                               [--transcripts JSON]\n"
    "Speech tools: synthesise with espeak-ng, transcribe with PocketSphinx, build the\n"
    "question bank's language model, and measure the word error rate of the bank\n"
    "model (bank), the bank with everyday English words mixed in (mixed) and the\n"
    "general English model (general) on synthesised answers (the model answers,\n"
    "or those of FILE), and how far each spoken answer's score is from the typed one.\n"
    "--transcripts takes an earlier `measure --json` of the same answers and scores its\n"
    "bank transcripts again instead of synthesising and hearing them (after a change on\n"
    "the scorer's side, where the recogniser's output is the same).";

/* The first sentence (up to `max` bytes) of `text`; caller frees. */
static char *first_sentences(const char *text, size_t want)
{
    size_t n = 0, got = 0;

    while (text[n] != '\0') {
        if ((text[n] == '.' || text[n] == '?' || text[n] == '!') &&
            (text[n + 1] == ' ' || text[n + 1] == '\0')) {
            if (++got == want) {
                n++;
                break;
            }
        }
        n++;
    }
    char *s = malloc(n + 1);
    if (s != NULL) {
        memcpy(s, text, n);
        s[n] = '\0';
    }
    return s;
}

static enum ph_rc load_bank(struct qbank **bank, struct ph_err *err)
{
    char *qdir = NULL;
    enum ph_rc rc = qbank_default_dir(&qdir, err);

    if (rc == PH_OK)
        rc = qbank_load(qdir, paths_exercises_dir(), bank, err);
    free(qdir);
    return rc;
}

/* One answer to measure: said by espeak-ng, heard by PocketSphinx. */
struct sample {
    const struct qbank_question *q; /* borrowed from the bank */
    char *text;                     /* what is said; owned */
    int wrong;                      /* a control: a wrong answer that must stay low */
};

/* The measured answers: the model answers' first two sentences of every
 * third concept question (spread over topics), up to `limit`. */
static int samples_from_bank(const struct qbank *bank, unsigned limit, struct sample *v, size_t *n)
{
    for (size_t i = 0; i < bank->n && *n < limit; i++) {
        if (bank->q[i].kind != QBANK_CONCEPT || i % 3 != 0)
            continue;
        v[*n].q = &bank->q[i];
        v[*n].wrong = 0;
        v[*n].text = first_sentences(bank->q[i].ex->model_answer, 2);
        if (v[*n].text == NULL)
            return -1;
        (*n)++;
    }
    return 0;
}

/*
 * The answers of `path`: "## ID" (or "## ID wrong" for a control) then the
 * answer's text, as `practice --answers` reads them; lines starting with '#'
 * before the first section are comments.  Errors name the file and line.
 */
static enum ph_rc samples_from_file(const struct qbank *bank, const char *path, unsigned limit,
                                    struct sample *v, size_t *n, struct ph_err *err)
{
    char *text = NULL, *p, *body = NULL;
    size_t len = 0, lineno = 0;
    struct sample *cur = NULL;
    enum ph_rc rc = fileio_read(path, VOICE_ANSWERS_MAX, &text, &len, err);

    if (rc != PH_OK)
        return rc;
    for (p = text; *p != '\0';) {
        char *nl = strchr(p, '\n');
        char *next = nl != NULL ? nl + 1 : p + strlen(p);
        lineno++;
        if (strncmp(p, "## ", 3) == 0) {
            char id[80];
            size_t k = (size_t)((nl != NULL ? nl : next) - (p + 3));
            int wrong = 0;
            while (k > 0 && (p[3 + k - 1] == ' ' || p[3 + k - 1] == '\r'))
                k--;
            if (k > 6 && memcmp(p + 3 + k - 6, " wrong", 6) == 0) {
                wrong = 1;
                k -= 6;
            }
            if (k == 0 || k >= sizeof id) {
                rc = ph_errf(err, PH_EINPUT, "%s:%zu: expected \"## QUESTION-ID\"", path, lineno);
                goto out;
            }
            memcpy(id, p + 3, k);
            id[k] = '\0';
            if (cur != NULL) {
                *(p - 1) = '\0';
                cur->text = strdup(body);
                if (cur->text == NULL)
                    goto oom;
            }
            if (*n >= limit) {
                cur = NULL;
                break;
            }
            cur = &v[(*n)++];
            cur->text = NULL;
            cur->wrong = wrong;
            cur->q = qbank_find(bank, id);
            if (cur->q == NULL || cur->q->kind != QBANK_CONCEPT) {
                rc = ph_errf(err, PH_EINPUT, "%s:%zu: no concept question \"%s\" in the bank", path,
                             lineno, id);
                goto out;
            }
            body = next;
        } else if (cur == NULL && p[0] != '#' && p[strspn(p, " \t\r\n")] != '\0' &&
                   p[strspn(p, " \t\r")] != '\n') {
            rc = ph_errf(err, PH_EINPUT, "%s:%zu: text before the first \"## QUESTION-ID\" line",
                         path, lineno);
            goto out;
        }
        p = next;
    }
    if (cur != NULL) {
        cur->text = strdup(body);
        if (cur->text == NULL)
            goto oom;
    }
    if (*n == 0)
        rc = ph_errf(err, PH_EINPUT, "%s: no \"## QUESTION-ID\" line: nothing to measure", path);
    goto out;
oom:
    rc = ph_errf(err, PH_ENOMEM, "out of memory");
out:
    free(text);
    return rc;
}

/* The offline score of `answer` for `q`, typed or heard (-1 on failure). */
static double offline_score(const struct qbank_question *q, const char *answer, int heard)
{
    struct explain_result r;
    struct ph_err err;
    double score = -1;

    ph_err_clear(&err);
    memset(&r, 0, sizeof r);
    if (practice_score_offline(q->ex, answer, heard, &r, &err) == PH_OK)
        score = r.score;
    explain_result_cleanup(&r);
    return score;
}

/* The models `measure` compares, in the order of its columns. */
enum { M_BANK, M_MIXED, M_GENERAL, M_COUNT };
static const char *const model_names[M_COUNT] = {"bank", "mixed", "general"};

/* The model called `name` (bank, mixed or general; NULL is bank): general
 * leaves `lm` empty, which voice_transcribe() reads as Debian's model. */
static enum ph_rc model_files(const struct qbank *bank, const char *name,
                              const struct qbank_question *focus, struct voice_lm_files *lm,
                              struct ph_err *err)
{
    struct voice_lm_mix mix;

    memset(lm, 0, sizeof *lm);
    if (name != NULL && strcmp(name, "general") == 0)
        return PH_OK;
    if (name == NULL || strcmp(name, "bank") == 0)
        return voice_lm_bank(bank, NULL, focus, lm, err);
    voice_lm_mix_default(&mix);
    return voice_lm_bank(bank, &mix, focus, lm, err);
}

/* The bank transcript `stored` (an earlier `measure --json`'s output, parsed)
 * holds for `id` said as `ref`, or NULL; borrowed from `stored`. */
static const char *stored_transcript(const cJSON *stored, const char *id, const char *ref)
{
    const cJSON *a;

    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(stored, "answers"))
    {
        const char *q = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "question"));
        const char *r = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "reference"));
        const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "bank"));
        if (q != NULL && r != NULL && h != NULL && strcmp(q, id) == 0 && strcmp(r, ref) == 0)
            return h;
    }
    return NULL;
}

/* `stored` (may be NULL; borrowed): an earlier run's JSON whose bank
 * transcripts are scored again instead of heard anew (bank model only). */
static int measure(struct qbank *bank, const struct voice_lm_files *lms, const int *want,
                   const char *answers, unsigned limit, int json, const cJSON *stored)
{
    cJSON *root = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(root, "answers");
    double sum_wer[M_COUNT] = {0}, sum_gap[M_COUNT] = {0}, max_gap[M_COUNT] = {0};
    double max_wrong[M_COUNT] = {0};
    unsigned n = 0, nright = 0, nwrong = 0;
    struct sample *v = calloc(limit, sizeof *v);
    size_t nv = 0;
    struct ph_err err;
    int status = CLI_EXIT_INTERNAL;

    ph_err_clear(&err);
    if (v == NULL || root == NULL)
        goto out;
    if (answers != NULL) {
        if (samples_from_file(bank, answers, limit, v, &nv, &err) != PH_OK) {
            status = cli_fail(&err);
            goto out;
        }
    } else if (samples_from_bank(bank, limit, v, &nv) != 0) {
        goto out;
    }
    for (size_t i = 0; i < nv; i++) {
        const struct qbank_question *q = v[i].q;
        const char *ref = v[i].text;
        struct voice_audio audio;
        char *hyp[M_COUNT] = {NULL};
        double wer[M_COUNT], spoken[M_COUNT], typed;
        const char *kept = stored != NULL ? stored_transcript(stored, q->id, ref) : NULL;
        int failed;
        memset(&audio, 0, sizeof audio);
        if (stored != NULL && kept == NULL) {
            ph_errf(&err, PH_EINPUT, "%s: no stored transcript of this answer", q->id);
            status = cli_fail(&err);
            goto out;
        }
        if (kept != NULL) {
            failed = 0;
            for (int m = 0; m < M_COUNT && !failed; m++)
                failed = (hyp[m] = strdup(m == M_BANK ? kept : "")) == NULL;
            if (failed)
                ph_errf(&err, PH_ENOMEM, "out of memory");
        } else {
            failed = voice_synth(ref, &audio, &err) != PH_OK;
        }
        for (int m = 0; m < M_COUNT && !failed && kept == NULL; m++) {
            /* As practice hears an answer: with the model weighted toward its question. */
            struct voice_lm_files qlm;
            const struct voice_lm_files *use = &lms[m];
            memset(&qlm, 0, sizeof qlm);
            if (want[m] && m != M_GENERAL && voice_lm_focus_repeat() > 0) {
                failed = model_files(bank, model_names[m], q, &qlm, &err) != PH_OK;
                use = &qlm;
            }
            if (!failed)
                failed = !want[m] ? (hyp[m] = strdup("")) == NULL
                                  : voice_transcribe(&audio, use->arpa, use->dict, &hyp[m], &err) !=
                                        PH_OK;
            voice_lm_files_free(&qlm);
        }
        voice_audio_free(&audio);
        if (failed) {
            fprintf(stderr, "pyharness voice: %s: %s\n", q->id, err.msg);
            for (int m = 0; m < M_COUNT; m++)
                free(hyp[m]);
            goto out;
        }
        typed = offline_score(q, ref, 0);
        n++;
        if (v[i].wrong)
            nwrong++;
        else
            nright++;
        for (int m = 0; m < M_COUNT; m++) {
            wer[m] = spoken_wer(ref, hyp[m]);
            spoken[m] = offline_score(q, hyp[m], 1);
            sum_wer[m] += wer[m];
            if (v[i].wrong) {
                max_wrong[m] = fmax(max_wrong[m], fmax(typed, spoken[m]));
            } else {
                sum_gap[m] += fabs(typed - spoken[m]);
                max_gap[m] = fmax(max_gap[m], fabs(typed - spoken[m]));
            }
        }
        if (json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToArray(items, o);
            cJSON_AddStringToObject(o, "question", q->id);
            cJSON_AddBoolToObject(o, "wrong", v[i].wrong);
            cJSON_AddStringToObject(o, "reference", ref);
            cJSON_AddNumberToObject(o, "score_typed", typed);
            for (int m = 0; m < M_COUNT; m++) {
                char key[40];
                if (!want[m])
                    continue;
                cJSON_AddStringToObject(o, model_names[m], hyp[m]);
                snprintf(key, sizeof key, "wer_%s", model_names[m]);
                cJSON_AddNumberToObject(o, key, wer[m]);
                snprintf(key, sizeof key, "score_%s", model_names[m]);
                cJSON_AddNumberToObject(o, key, spoken[m]);
            }
        } else {
            printf("%s%s\n  said:    %s\n", q->id, v[i].wrong ? " (a wrong answer)" : "", ref);
            for (int m = 0; m < M_COUNT; m++)
                if (want[m])
                    printf("  %-8s %s  (WER %.2f, score %.1f)\n", model_names[m], hyp[m], wer[m],
                           spoken[m]);
            printf("  score typed %.1f\n", typed);
        }
        for (int m = 0; m < M_COUNT; m++)
            free(hyp[m]);
    }
    if (n == 0) {
        fprintf(stderr, "pyharness voice: no concept question to measure\n");
        goto out;
    }
    if (json) {
        char *text;
        for (int m = 0; m < M_COUNT; m++) {
            if (!want[m])
                continue;
            cJSON *o = cJSON_AddObjectToObject(root, model_names[m]);
            cJSON_AddNumberToObject(o, "wer", sum_wer[m] / n);
            cJSON_AddNumberToObject(o, "score_gap_mean", nright > 0 ? sum_gap[m] / nright : 0);
            cJSON_AddNumberToObject(o, "score_gap_max", max_gap[m]);
            cJSON_AddNumberToObject(o, "wrong_score_max", max_wrong[m]);
        }
        text = cJSON_Print(root);
        if (text != NULL)
            puts(text);
        free(text);
    } else {
        printf("over %u answers (%u right, %u wrong controls):\n", n, nright, nwrong);
        for (int m = 0; m < M_COUNT; m++) {
            if (!want[m])
                continue;
            printf("  %-8s WER %.3f", model_names[m], sum_wer[m] / n);
            if (nright > 0)
                printf(", typed vs spoken score gap mean %.2f, largest %.2f", sum_gap[m] / nright,
                       max_gap[m]);
            if (nwrong > 0)
                printf(", wrong answers at most %.1f", max_wrong[m]);
            putchar('\n');
        }
    }
    status = CLI_EXIT_OK;
out:
    for (size_t i = 0; v != NULL && i < nv; i++)
        free(v[i].text);
    free(v);
    cJSON_Delete(root);
    return status;
}

int cmd_voice_main(int argc, char **argv)
{
    struct ph_err err;
    struct qbank *bank = NULL;
    struct voice_lm_files lm, lms[M_COUNT];
    struct voice_audio audio;
    const char *wav = NULL, *lmname = NULL, *limit_s = NULL, *answers = NULL, *kept = NULL;
    int json = 0, npos = 0, parsed, status = CLI_EXIT_INTERNAL;
    char *text = NULL;
    const struct cli_opt opts[] = {
        {"wav", 0, CLI_VALUE, "OUT", "say: write a WAV file instead of playing", &wav, NULL},
        {"lm", 0, CLI_VALUE, "NAME",
         "bank (default), mixed or general (measure: all three by default)", &lmname, NULL},
        {"limit", 0, CLI_VALUE, "N", "measure: answers to synthesise (default 6)", &limit_s, NULL},
        {"answers", 0, CLI_VALUE, "FILE", "measure: these answers (\"## ID\" sections)", &answers,
         NULL},
        {"json", 0, CLI_FLAG, NULL, "measure: print JSON", NULL, &json},
        {"transcripts", 0, CLI_VALUE, "JSON",
         "measure: score these stored bank transcripts again (with --lm bank)", &kept, NULL},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    ph_err_clear(&err);
    memset(&lm, 0, sizeof lm);
    memset(lms, 0, sizeof lms);
    memset(&audio, 0, sizeof audio);
    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos < 1)
        return cli_usage("voice: needs say, transcribe, lm or measure\n%s", usage);
    if (lmname != NULL && strcmp(lmname, "bank") != 0 && strcmp(lmname, "mixed") != 0 &&
        strcmp(lmname, "general") != 0)
        return cli_usage("--lm takes bank, mixed or general, not \"%s\"", lmname);
    if (strcmp(argv[1], "say") == 0) {
        if (npos != 2)
            return cli_usage("voice say: needs the text to say");
        if (wav == NULL) {
            if (voice_speak(argv[2], &err) != PH_OK)
                goto fail;
        } else if (voice_synth(argv[2], &audio, &err) != PH_OK ||
                   voice_wav_write(wav, &audio, &err) != PH_OK) {
            goto fail;
        }
        status = CLI_EXIT_OK;
    } else if (strcmp(argv[1], "transcribe") == 0) {
        if (npos != 2)
            return cli_usage("voice transcribe: needs a WAV file");
        if (voice_wav_read(argv[2], &audio, &err) != PH_OK)
            goto fail;
        if (lmname == NULL && stt_http_configured()) {
            /* The configured transcription server, as practice uses it. */
            if (stt_http_transcribe(&audio, &text, &err) != PH_OK)
                goto fail;
            printf("%s\n", text);
            status = CLI_EXIT_OK;
            goto out;
        }
        if (lmname == NULL || strcmp(lmname, "general") != 0) {
            if (load_bank(&bank, &err) != PH_OK ||
                model_files(bank, lmname, NULL, &lm, &err) != PH_OK)
                goto fail;
        }
        if (voice_transcribe(&audio, lm.arpa, lm.dict, &text, &err) != PH_OK)
            goto fail;
        printf("%s\n", text);
        status = CLI_EXIT_OK;
    } else if (strcmp(argv[1], "lm") == 0) {
        if (lmname != NULL && strcmp(lmname, "general") == 0)
            return cli_usage("voice lm: the general model is Debian's (%s)", voice_general_lm());
        if (load_bank(&bank, &err) != PH_OK || model_files(bank, lmname, NULL, &lm, &err) != PH_OK)
            goto fail;
        printf("model: %s\ndictionary: %s\n", lm.arpa, lm.dict);
        if (lm.built)
            printf("built: %zu words (%zu of them everyday words from the general model; "
                   "%zu left out: not in the pronunciation dictionary), "
                   "%zu sentences, %zu/%zu/%zu n-grams\n",
                   lm.stats.vocab, lm.stats.general, lm.stats.dropped, lm.stats.sentences,
                   lm.stats.ngrams[0], lm.stats.ngrams[1], lm.stats.ngrams[2]);
        else
            printf("(cached)\n");
        status = CLI_EXIT_OK;
    } else if (strcmp(argv[1], "measure") == 0) {
        double limit = answers != NULL ? 1000 : 6;
        char *end;
        if (kept != NULL && (lmname == NULL || strcmp(lmname, "bank") != 0))
            return cli_usage("--transcripts holds bank transcripts: use it with --lm bank");
        if (limit_s != NULL) {
            errno = 0;
            limit = strtod(limit_s, &end);
            if (errno != 0 || *end != '\0' || limit < 1 || limit > 1000)
                return cli_usage("--limit takes a number from 1 to 1000");
        }
        if (load_bank(&bank, &err) != PH_OK)
            goto fail;
        int want[M_COUNT];
        for (int m = 0; m < M_COUNT; m++) {
            want[m] = lmname == NULL || strcmp(lmname, model_names[m]) == 0;
            if (want[m] && model_files(bank, model_names[m], NULL, &lms[m], &err) != PH_OK)
                goto fail;
        }
        cJSON *stored = NULL;
        if (kept != NULL) {
            char *raw = NULL;
            size_t rawlen = 0;
            if (fileio_read(kept, VOICE_ANSWERS_MAX * 4, &raw, &rawlen, &err) != PH_OK)
                goto fail;
            stored = cJSON_Parse(raw);
            free(raw);
            if (stored == NULL) {
                ph_errf(&err, PH_EINPUT, "%s: not the JSON of `voice measure --json`", kept);
                goto fail;
            }
        }
        status = measure(bank, lms, want, answers, (unsigned)limit, json, stored);
        cJSON_Delete(stored);
    } else {
        return cli_usage("voice: unknown action \"%s\" (say, transcribe, lm, measure)", argv[1]);
    }
    goto out;
fail:
    status = cli_fail(&err);
out:
    free(text);
    voice_audio_free(&audio);
    voice_lm_files_free(&lm);
    for (int m = 0; m < M_COUNT; m++)
        voice_lm_files_free(&lms[m]);
    qbank_free(bank);
    return status;
}
