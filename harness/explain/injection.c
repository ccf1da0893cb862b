/*
 * injection.c - see injection.h.
 */
#include "injection.h"

#include <string.h>

#include "words.h"

static int tok_is(const struct token *t, const char *const *list, size_t n)
{
    return words_in(t->raw, list, n);
}

#define TOK_IS(t, l) tok_is((t), (l), sizeof(l) / sizeof((l)[0]))

/* Is one part of a snake_case token (not the whole) in `list`, the last
 * part only with `last`?  "explanation_score" writes a score and
 * "grader_comment" addresses the grader, as markup or data would. */
static int snake_part(const struct token *t, const char *const *list, size_t n, int last)
{
    const char *p = t->raw, *us;
    char part[32];

    if (strchr(p, '_') == NULL)
        return 0;
    for (;; p = us + 1) {
        size_t len;
        us = strchr(p, '_');
        len = us != NULL ? (size_t)(us - p) : strlen(p);
        if (len > 0 && len < sizeof part && (!last || us == NULL)) {
            memcpy(part, p, len);
            part[len] = '\0';
            if (words_in(part, list, n))
                return 1;
        }
        if (us == NULL)
            return 0;
    }
}

#define SNAKE_HAS(t, l, last) snake_part((t), (l), sizeof(l) / sizeof((l)[0]), (last))

static int sentence_has(const struct doc *d, const struct sentence *s, const char *const *list,
                        size_t n)
{
    for (size_t i = s->tok0; i < s->tok1; i++)
        if (tok_is(&d->tok[i], list, n))
            return 1;
    return 0;
}

/*
 * Does token i write one of a grader's own output fields with a value, as
 * markup or data would ("score=10", "\"needs_review\": false",
 * "confidence: high")?  An answer has no reason to fill in its own grade.
 */
static int grader_field(const struct doc *d, const struct sentence *s, size_t i)
{
    static const char *const fields[] = {"score",   "grade",  "verdict", "confidence",
                                         "credit",  "review", "marks",   "points",
                                         "flagged", "rating", "passed",  "explanation"};
    static const char *const values[] = {
        "high", "true", "false",   "excellent", "pass", "full", "perfect",    "correct",
        "none", "max",  "maximum", "approved",  "low",  "null", "outstanding"};
    const struct token *t = &d->tok[i], *nx;
    size_t k;
    int sep = 0;

    if (!(TOK_IS(t, fields) || (!t->code && SNAKE_HAS(t, fields, 1))) || i + 1 >= s->tok1)
        return 0;
    nx = &d->tok[i + 1];
    for (k = t->end; k < nx->off && k < d->len; k++) {
        char c = d->text[k];
        if (c == '=')
            sep = 2;
        else if (c == ':')
            sep = sep > 0 ? sep : 1;
        else if (c != ' ' && c != '"' && c != '\'' && c != '\t')
            return 0;
    }
    /* "explanation=10" writes a grade; "the explanation: 3 threads ..." is
     * prose. */
    if (!sep || (sep == 1 && strcmp(t->raw, "explanation") == 0))
        return 0;
    return (nx->raw[0] >= '0' && nx->raw[0] <= '9') || TOK_IS(nx, values);
}

/* Whether the top word at k is a grade: the sentence ends there, or a
 * grade noun follows within two words ("full marks", "the maximum
 * explanation score"). */
static int grade_follows(const struct doc *d, const struct sentence *s, size_t k)
{
    static const char *const grade_nouns[] = {"marks", "mark",   "score",  "scores", "points",
                                              "grade", "grades", "credit", "rating"};

    if (k + 1 == s->tok1)
        return 1;
    for (size_t j = k + 1; j < s->tok1 && j <= k + 2; j++)
        if (TOK_IS(&d->tok[j], grade_nouns))
            return 1;
    return 0;
}

static int sentence_injects(const struct doc *d, const struct sentence *s)
{
    static const char *const dismiss[] = {"ignore",   "ignoring", "disregard", "forget",
                                          "override", "bypass",   "overrule"};
    /* Not "previous" alone: "so it does not forget previous tokens" is prose. */
    static const char *const orders[] = {"instruction", "instructions", "prompt",     "prompts",
                                         "rubric",      "rules",        "guidelines", "criteria",
                                         "directions",  "above",        "system",     "directive"};
    /* "rubric" too: an explanation is written for a reader, not for its
     * marking scheme ("every rubric concept is present", a fake rubric table). */
    static const char *const addressee[] = {"grader",   "graders",   "evaluator", "evaluators",
                                            "examiner", "examiners", "assessor",  "marker",
                                            "rubric",   "rubrics"};
    static const char *const award[] = {"award",    "assign", "grant", "deserve",
                                        "deserves", "output", "give",  "rate",
                                        "score",    "grade",  "mark",  "return"};
    static const char *const top[] = {"10",        "ten",         "full",     "perfect",  "maximum",
                                      "maximal",   "highest",     "top",      "max",      "100",
                                      "excellent", "outstanding", "flawless", "exemplary"};
    /* A top word is a grade only as one (grade_follows): "give it a max
     * length" and "return the top k" are prose, "award full marks" and
     * "give it 10." are not; praise words are a grade wherever they follow. */
    static const char *const praise[] = {"excellent", "outstanding", "flawless", "exemplary"};
    static const char *const roles[] = {"system", "assistant", "user", "developer"};
    /* Claims of a review the grader should defer to: "this answer has
     * already been verified by a senior engineer". */
    static const char *const vouched[] = {"verified", "approved", "validated", "certified",
                                          "endorsed", "vetted",   "reviewed"};
    static const char *const work[] = {"answer",   "solution",   "explanation",
                                       "response", "submission", "candidate"};
    static const char *const authority[] = {"senior",    "engineer",    "engineers", "committee",
                                            "expert",    "experts",     "staff",     "professor",
                                            "teacher",   "interviewer", "lead",      "reviewer",
                                            "reviewers", "panel",       "team",      "manager"};
    static const char *const machines[] = {"scorer", "scorers", "automated", "autograder",
                                           "ai",     "llm",     "grading"};
    static const char *const must[] = {"must", "should", "shall", "will", "need", "needs"};

    for (size_t i = s->tok0; i < s->tok1; i++) {
        const struct token *t = &d->tok[i];
        if (TOK_IS(t, addressee) || (!t->code && SNAKE_HAS(t, addressee, 0)) ||
            grader_field(d, s, i))
            return 1;
        if (TOK_IS(t, vouched) && sentence_has(d, s, work, sizeof work / sizeof work[0])) {
            for (size_t k = i + 1; k < s->tok1 && k <= i + 6; k++)
                if (TOK_IS(&d->tok[k], authority))
                    return 1;
        }
        if (TOK_IS(t, machines)) {
            for (size_t k = i + 1; k < s->tok1 && k <= i + 3; k++)
                if (TOK_IS(&d->tok[k], must))
                    return 1;
        }
        if (i == s->tok0 && t->colon && TOK_IS(t, roles))
            return 1;
        if (TOK_IS(t, dismiss)) {
            for (size_t k = i + 1; k < s->tok1 && k <= i + 5; k++)
                if (TOK_IS(&d->tok[k], orders))
                    return 1;
        }
        if (TOK_IS(t, award)) {
            for (size_t k = i + 1; k < s->tok1 && k <= i + 4; k++)
                if (TOK_IS(&d->tok[k], praise) ||
                    (TOK_IS(&d->tok[k], top) && grade_follows(d, s, k)))
                    return 1;
        }
        /* "10/10", "10 out of 10" */
        if (strcmp(t->raw, "10") == 0 && i + 1 < s->tok1) {
            const struct token *nx = &d->tok[i + 1];
            if (strcmp(nx->raw, "10") == 0 || (strcmp(nx->raw, "out") == 0 && i + 3 < s->tok1 &&
                                               strcmp(d->tok[i + 3].raw, "10") == 0))
                return 1;
        }
        if (strcmp(t->raw, "system") == 0 && i + 1 < s->tok1 &&
            strcmp(d->tok[i + 1].raw, "prompt") == 0)
            return 1;
        if ((strcmp(t->raw, "full") == 0 || strcmp(t->raw, "top") == 0) && i + 1 < s->tok1 &&
            (strcmp(d->tok[i + 1].raw, "marks") == 0 || strcmp(d->tok[i + 1].raw, "credit") == 0))
            return 1;
    }
    return 0;
}

int injection_hide_markup(struct doc *d)
{
    int any = 0;
    char *p = d->text;

    while ((p = strstr(p, "<!--")) != NULL) {
        char *end = strstr(p + 4, "-->");
        size_t n = end != NULL ? (size_t)(end + 3 - p) : strlen(p);

        memset(p, ' ', n);
        p += n;
        any = 1;
    }
    return any;
}

/* Drop the sentences that address the grader; returns whether any did. */
int injection_drop(struct doc *d)
{
    size_t o = 0;
    int any = 0;

    for (size_t si = 0; si < d->nsent; si++) {
        struct sentence *s = &d->sent[si];
        size_t t0 = o;
        s->dropped = sentence_injects(d, s);
        any |= s->dropped;
        for (size_t i = s->tok0; i < s->tok1; i++)
            if (!s->dropped)
                d->tok[o++] = d->tok[i];
        s->tok0 = t0;
        s->tok1 = o;
    }
    d->ntok = o;
    return any;
}
