/*
 * practice_score.c - see practice_score.h.
 */
#include "practice_score.h"

#include <stdlib.h>
#include <string.h>

#include "exercise.h"
#include "explain.h"
#include "rubric_score.h"
#include "soundalike.h"

/* 1 when the word of `s` starting at `i` is `w` (followed by a space or the end). */
static int word_at(const char *s, size_t i, const char *w)
{
    size_t n = strlen(w);

    return strncmp(s + i, w, n) == 0 && (s[i + n] == ' ' || s[i + n] == '\0');
}

/* Words that open the clause after a "so" of consequence ("so you sort
 * ..."), not an adverb's ("so many", "so slow"). */
static const char *const so_subjects[] = {
    "you",   "we",    "they",  "it",   "its",   "the", "a",       "an",   "i",     "that", "this",
    "these", "those", "there", "each", "every", "no",  "nothing", "only", "other", "all",  "any",
};

/* 1 when `s` at `i` is " so W" with W one of so_subjects. */
static int so_clause_at(const char *s, size_t i)
{
    if (strncmp(s + i, " so ", 4) != 0)
        return 0;
    for (size_t k = 0; k < sizeof so_subjects / sizeof so_subjects[0]; k++)
        if (word_at(s, i + 4, so_subjects[k]))
            return 1;
    return 0;
}

char *practice_heard_text(const char *transcript)
{
    size_t n = strlen(transcript), o = 0;
    /* At most one comma per four bytes (" so "). */
    char *out = malloc(n + n / 4 + 1);

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        /* " dot x" and " underscore x" between two words join them: that is
         * how an identifier is read aloud.  Not after a pause (", dot"). */
        if (transcript[i] == ' ' && o > 0 && out[o - 1] != ' ' && out[o - 1] != ',' &&
            out[o - 1] != '.') {
            if (word_at(transcript, i + 1, "dot") && transcript[i + 4] == ' ') {
                out[o++] = '.';
                i += 4;
                continue;
            }
            if (word_at(transcript, i + 1, "underscore") && transcript[i + 11] == ' ') {
                out[o++] = '_';
                i += 11;
                continue;
            }
        }
        /* A pause too short for a comma (voice.c) still leaves "so you
         * sort" a clause of its own, as a typed answer's comma does: the
         * scorer reads a misconception's words within one clause ("tottime"
         * after "including everything it called so you sort by ..."). */
        if (o > 0 && out[o - 1] != ',' && out[o - 1] != '.' && so_clause_at(transcript, i))
            out[o++] = ',';
        out[o++] = transcript[i];
    }
    out[o] = '\0';
    return out;
}

enum ph_rc practice_score_offline(const struct exercise *ex, const char *answer, int heard,
                                  struct explain_result *out, struct ph_err *err)
{
    char *text = NULL;
    enum ph_rc rc;

    memset(out, 0, sizeof *out);
    if (ex->rubric == NULL)
        return ph_errf(err, PH_EINPUT, "%s: no rubric to score against", ex->id);
    if (heard) {
        char *joined = practice_heard_text(answer);
        const char *off = getenv("PYHARNESS_VOICE_SOUNDALIKE");
        if (joined != NULL && !(off != NULL && strcmp(off, "0") == 0)) {
            const char *keep[3] = {NULL, NULL, NULL};
            size_t nk = 0;
            if (ex->question != NULL)
                keep[nk++] = ex->question;
            if (ex->model_answer != NULL)
                keep[nk++] = ex->model_answer;
            text = soundalike_repair(ex->rubric, keep, joined, NULL);
            free(joined);
        } else {
            text = joined;
        }
        if (text == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    rc = rubric_score(ex->rubric, ex->id, text != NULL ? text : answer, out, err);
    free(text);
    return rc;
}
