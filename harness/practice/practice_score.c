/*
 * practice_score.c - see practice_score.h.
 */
#include "practice_score.h"

#include <stdlib.h>
#include <string.h>

#include "exercise.h"
#include "explain.h"
#include "rubric_score.h"

/* 1 when the word of `s` starting at `i` is `w` (followed by a space or the end). */
static int word_at(const char *s, size_t i, const char *w)
{
    size_t n = strlen(w);

    return strncmp(s + i, w, n) == 0 && (s[i + n] == ' ' || s[i + n] == '\0');
}

char *practice_heard_text(const char *transcript)
{
    size_t n = strlen(transcript), o = 0;
    char *out = malloc(n + 1);

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
        text = practice_heard_text(answer);
        if (text == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    rc = rubric_score(ex->rubric, ex->id, text != NULL ? text : answer, out, err);
    free(text);
    return rc;
}
