/*
 * cmd_voice.c - see cmd_voice.h.
 */
#include "cmd_voice.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "exercise.h"
#include "paths.h"
#include "qbank.h"
#include "spoken.h"
#include "stt_http.h"
#include "voice.h"
#include "voice_lm.h"

static const char usage[] =
    "usage: pyharness voice say TEXT [--wav OUT]\n"
    "       pyharness voice transcribe WAV [--lm bank|general]  (PYHARNESS_STT_URL: a server)\n"
    "       pyharness voice lm\n"
    "       pyharness voice measure [--limit N] [--json]\n"
    "Speech tools: synthesise with espeak-ng, transcribe with PocketSphinx, build the\n"
    "question bank's language model, and measure the word error rate of the bank\n"
    "model and the general English model on synthesised model answers.";

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

static int measure(struct qbank *bank, const struct voice_lm_files *lm, unsigned limit, int json)
{
    cJSON *root = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(root, "answers");
    double sum_bank = 0, sum_gen = 0;
    unsigned n = 0;
    struct ph_err err;
    int status = CLI_EXIT_INTERNAL;

    ph_err_clear(&err);
    for (size_t i = 0; i < bank->n && n < limit; i++) {
        const struct qbank_question *q = &bank->q[i];
        struct voice_audio audio;
        char *ref, *hb = NULL, *hg = NULL;
        if (q->kind != QBANK_CONCEPT)
            continue;
        /* Spread over topics: every third question. */
        if (i % 3 != 0)
            continue;
        ref = first_sentences(q->ex->model_answer, 2);
        if (ref == NULL || voice_synth(ref, &audio, &err) != PH_OK ||
            voice_transcribe(&audio, lm->arpa, lm->dict, &hb, &err) != PH_OK ||
            voice_transcribe(&audio, NULL, NULL, &hg, &err) != PH_OK) {
            fprintf(stderr, "pyharness voice: %s: %s\n", q->id, err.msg);
            free(ref);
            free(hb);
            voice_audio_free(&audio);
            goto out;
        }
        double wb = spoken_wer(ref, hb), wg = spoken_wer(ref, hg);
        sum_bank += wb;
        sum_gen += wg;
        n++;
        if (json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToArray(items, o);
            cJSON_AddStringToObject(o, "question", q->id);
            cJSON_AddStringToObject(o, "reference", ref);
            cJSON_AddStringToObject(o, "bank", hb);
            cJSON_AddStringToObject(o, "general", hg);
            cJSON_AddNumberToObject(o, "wer_bank", wb);
            cJSON_AddNumberToObject(o, "wer_general", wg);
        } else {
            printf("%s\n  said:    %s\n  bank:    %s  (WER %.2f)\n  general: %s  (WER %.2f)\n",
                   q->id, ref, hb, wb, hg, wg);
        }
        free(ref);
        free(hb);
        free(hg);
        voice_audio_free(&audio);
    }
    if (n == 0) {
        fprintf(stderr, "pyharness voice: no concept question to measure\n");
        goto out;
    }
    if (json) {
        char *text;
        cJSON_AddNumberToObject(root, "wer_bank", sum_bank / n);
        cJSON_AddNumberToObject(root, "wer_general", sum_gen / n);
        text = cJSON_Print(root);
        if (text != NULL)
            puts(text);
        free(text);
    } else {
        printf("mean word error rate over %u answers: bank model %.3f, general model %.3f\n", n,
               sum_bank / n, sum_gen / n);
    }
    status = CLI_EXIT_OK;
out:
    cJSON_Delete(root);
    return status;
}

int cmd_voice_main(int argc, char **argv)
{
    struct ph_err err;
    struct qbank *bank = NULL;
    struct voice_lm_files lm;
    struct voice_audio audio;
    const char *wav = NULL, *lmname = NULL, *limit_s = NULL;
    int json = 0, npos = 0, parsed, status = CLI_EXIT_INTERNAL;
    char *text = NULL;
    const struct cli_opt opts[] = {
        {"wav", 0, CLI_VALUE, "OUT", "say: write a WAV file instead of playing", &wav, NULL},
        {"lm", 0, CLI_VALUE, "NAME", "transcribe: bank (default) or general", &lmname, NULL},
        {"limit", 0, CLI_VALUE, "N", "measure: answers to synthesise (default 6)", &limit_s, NULL},
        {"json", 0, CLI_FLAG, NULL, "measure: print JSON", NULL, &json},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    ph_err_clear(&err);
    memset(&lm, 0, sizeof lm);
    memset(&audio, 0, sizeof audio);
    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos < 1)
        return cli_usage("voice: needs say, transcribe, lm or measure\n%s", usage);
    if (lmname != NULL && strcmp(lmname, "bank") != 0 && strcmp(lmname, "general") != 0)
        return cli_usage("--lm takes bank or general, not \"%s\"", lmname);
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
        if (lmname == NULL || strcmp(lmname, "bank") == 0) {
            if (load_bank(&bank, &err) != PH_OK || voice_lm_bank(bank, &lm, &err) != PH_OK)
                goto fail;
        }
        if (voice_transcribe(&audio, lm.arpa, lm.dict, &text, &err) != PH_OK)
            goto fail;
        printf("%s\n", text);
        status = CLI_EXIT_OK;
    } else if (strcmp(argv[1], "lm") == 0) {
        if (load_bank(&bank, &err) != PH_OK || voice_lm_bank(bank, &lm, &err) != PH_OK)
            goto fail;
        printf("model: %s\ndictionary: %s\n", lm.arpa, lm.dict);
        if (lm.built)
            printf("built: %zu words (%zu left out: not in the pronunciation dictionary), "
                   "%zu sentences, %zu/%zu/%zu n-grams\n",
                   lm.stats.vocab, lm.stats.dropped, lm.stats.sentences, lm.stats.ngrams[0],
                   lm.stats.ngrams[1], lm.stats.ngrams[2]);
        else
            printf("(cached)\n");
        status = CLI_EXIT_OK;
    } else if (strcmp(argv[1], "measure") == 0) {
        double limit = 6;
        char *end;
        if (limit_s != NULL) {
            errno = 0;
            limit = strtod(limit_s, &end);
            if (errno != 0 || *end != '\0' || limit < 1 || limit > 1000)
                return cli_usage("--limit takes a number from 1 to 1000");
        }
        if (load_bank(&bank, &err) != PH_OK || voice_lm_bank(bank, &lm, &err) != PH_OK)
            goto fail;
        status = measure(bank, &lm, (unsigned)limit, json);
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
    qbank_free(bank);
    return status;
}
