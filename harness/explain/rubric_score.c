/*
 * rubric_score.c - see rubric_score.h: the offline scorer.
 *
 * The offline scorer reads an answer the way a hurried but careful human
 * grader would, without a network or a model:
 *
 *  1. The text is capped (RUBRIC_ANSWER_MAX), invalid UTF-8 bytes become '?'
 *     and control characters spaces, so evidence quoted back is valid UTF-8.
 *  2. It is cut into sentences and clauses (commas, semicolons, dashes and
 *     contrast words such as "but", "while", "unlike" end a clause) and into
 *     words: identifiers are split at '_' and '.', "doesn't" becomes "does
 *     not", articles are dropped, every word is Porter-stemmed, so "preserves",
 *     "preserved" and "preserving" meet.
 *  3. Sentences addressed to the grader ("ignore previous instructions",
 *     "give this 10/10") are removed before anything is credited and the
 *     result says so (`injection`).
 *  4. Each rubric point is a set of concept groups; a group is a list of
 *     alternative phrasings.  A point is expressed when every group occurs in
 *     one sentence (full credit), in two neighbouring sentences, or anywhere
 *     (less), and partly when only some groups occur together.  A phrasing
 *     preceded closely by a negator in its clause ("does not preserve order")
 *     does not count for the point; it can instead trigger the misconception
 *     that names the point in "negates".
 *  5. Misconceptions are concept groups too, but must co-occur, un-negated, in
 *     one clause, so a correct contrast ("gather keeps order, while
 *     as_completed yields by completion") does not trip "gather returns
 *     completion order".
 *  6. Coverage is scaled by how much the answer reads as explanation rather
 *     than a list of terms: the share of function words and connectives, and
 *     how dense the matched key terms are.  Misconception penalties come last.
 *
 * The rubric JSON format is documented in docs/exercise-format.md.
 */
#include "rubric_score.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "hedge.h"
#include "injection.h"
#include "gloss.h"
#include "lang.h"
#include "matcher.h"

/* An explanation is a few paragraphs; 64 KiB is far beyond any honest answer
 * and bounds the scorer's work (phrases x words) on hostile input. */
#define RUBRIC_ANSWER_MAX (64 * 1024)

/* An answer that tries to talk the grader into a score loses this much on
 * top of earning nothing for that text: an examiner would not shrug it off. */
#define INJECTION_PENALTY 3.0
/* Ceilings, as a share of max: an answer with an injection attempt, and one
 * stating a misconception the rubric marks "fundamental". */
#define INJECTION_CAP 0.2
#define FUNDAMENTAL_CAP 0.3
/* An answer that asserts, with certainty, a key point's relation of the
 * wrong subject (matcher_crossed()): the central distinction is reversed. */
#define CROSSED_CAP 0.35
/* An answer that never names the question's subject ("topic"). */
#define OFF_TOPIC_CAP 0.1
/* The share of a misconception's penalty it keeps when the point it denies
 * is already lost (see rubric_score()). */
#define MISC_BEYOND_POINT 0.5
/* The share of its penalty a misconception read indirectly keeps when the
 * answer also makes, in full and in a sentence of its own that does not use
 * the belief's words, the very point it denies: the two signals conflict,
 * the detection may be a misreading, and a human decides. */
#define MISC_CONFLICT 0.3
/* A point counts as made in full from this credit on. */
#define POINT_FULL 0.85
/* Weight of each misconception after the most serious one. */
#define MISC_FURTHER 0.6
/* Share of code tokens past which an answer is "mostly code". */
#define MOSTLY_CODE 0.6
/* An answer with this share of code tokens that scores under MUCH_CODE_LOW
 * of the marks goes to a human: the code may well explain what the prose
 * leaves out (the scorer does not read what code does). */
#define MUCH_CODE 0.3
#define MUCH_CODE_LOW 0.5
/* The style factor of an answer that is mostly code. */
#define CODE_STYLE_FLOOR 0.9
/*
 * Depth: a grader cannot give full marks to an answer too short to explain
 * the ideas it names: a correct but brief paragraph of three claims gets
 * about half the marks, however many rubric words it matches.  So the share
 * of the marks an answer can reach grows with its prose, from DEPTH_FLOOR to
 * all of it at DEPTH_WORDS_PER_POINT words per key point of the rubric (60
 * for the exercises' six points: a full answer runs 100-250 words, and a
 * tight one that makes every point in 60 loses nothing; a token of code
 * counts as DEPTH_CODE_SHARE of a word, since code explains too).  Mild on purpose:
 * graders differ most here (the blind auditor gave a correct 45-word answer
 * 5, the first graded set a correct 30-word one 7), and a stronger ceiling
 * fitted to one of them costs the other a point and more.  Code is not prose:
 * an answer that is mostly code goes to a human instead (its own review
 * reason) and is not limited here; the words of its comments count.
 *
 * Hedges: a short answer that hands the question back ("which one you pick
 * depends on your use case", "limit them somehow") is vague whatever it
 * names: graders put it at 3 of 10.  Under HEDGE_WORDS prose words, one
 * hedge (hedge.h) caps the answer at HEDGE_CAP of the marks; a longer answer
 * has room to say what it depends on.
 */
#define DEPTH_FLOOR 0.25
#define DEPTH_WORDS_PER_POINT 10.0
#define DEPTH_CODE_SHARE 0.5
#define HEDGE_WORDS 80.0
#define HEDGE_CAP 0.3
/* Judgements ("easier", "more modern", "is like", "ContextVar is for
 * context") that make a short answer vague: one is ordinary, two say
 * nothing the reader could check (hedge.h). */
#define JUDGEMENTS 2
/*
 * Notes: an answer written as bullets, fragments and arrows ("GIL -> one
 * thread runs bytecode at a time") has few function words and few words
 * overall, so the style factor reads it as a list of terms and the depth
 * ceiling as too short; but each of its lines makes a claim, and graders give
 * such notes most of the marks.  What tells notes from a list of terms is
 * where the points are made: a list names every term in one run (one
 * sentence earns at most SENTENCE_POINTS_MAX points), notes make each point
 * in a line of its own.  So when NOTE_CLAIMS or more distinct sentences each
 * make a point in full, neither the style factor nor the depth ceiling is
 * below NOTE_BASE + NOTE_PER_CLAIM per such sentence.
 */
#define NOTE_CLAIMS 3
#define NOTE_BASE 0.3
#define NOTE_PER_CLAIM 0.15
/* An answer in another language keeps the score of its glossary reading
 * (gloss.h) only from this score up (of 10), with this confidence: on the
 * graded sets' 56 Spanish, French and German answers, readings that scored
 * 6.5 or more were within 2 points of the grade but one (9.4 for a 7), while
 * lower ones were often 3-5 points under it; a reading's score is held to
 * GLOSS_MAX_SCORE at most.  A reading is not lifted by curve(): it can miss
 * a wrong belief, so what it finds is all it is sure of. */
#define GLOSS_MIN_SCORE 6.5
#define GLOSS_MAX_SCORE 9.0
#define GLOSS_CONFIDENCE 0.45
/* Fewer prose words than this and the confidence is capped. */
#define SHORT_ANSWER_WORDS 15

/* Evidence and feedback are shown to candidates: short. */
#define EVIDENCE_MAX 240
#define FEEDBACK_MAX 1200

/* The sentence `si` as evidence: whitespace collapsed, capped on a UTF-8
 * boundary.  Caller frees. */
static char *sentence_text(const struct doc *d, long si)
{
    const struct sentence *s;
    size_t a, b, i, o = 0;
    char *out;

    if (si < 0 || (size_t)si >= d->nsent)
        return NULL;
    s = &d->sent[si];
    a = s->off0;
    b = s->off1;
    if (b <= a)
        return NULL;
    while (b < d->len && strchr(".!?)\"'`", d->text[b]) != NULL && d->text[b] != '\0')
        b++;
    out = malloc(EVIDENCE_MAX + 4);
    if (out == NULL)
        return NULL;
    i = a;
    for (; i < b && o < EVIDENCE_MAX; i++) {
        char c = d->text[i];
        if (isspace((unsigned char)c)) {
            if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        out[o++] = c;
    }
    if (i < b) {
        /* Cut before a whole character: the bytes backed over were copied
         * one for one (continuation bytes are never spaces). */
        while (o > 0 && ((unsigned char)d->text[i] & 0xc0) == 0x80) {
            o--;
            i--;
        }
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

struct style {
    double words, func, conn, sentences;
    double factor; /* 0.2 .. 1: how much the answer reads as an explanation */
};

/*
 * Why a multiplier and not a bonus: a list of the right terms does show the
 * candidate has heard of them, so it keeps a little credit, but it explains
 * nothing.  English prose runs at 40-55% function words; a list of terms is
 * near 0.  Under 10 words there is too little to judge structure.
 */
static struct style measure_style(const struct doc *d, double density)
{
    struct style st = {0};
    double ratio, f;

    for (size_t i = 0; i < d->nsent; i++) {
        if (d->sent[i].dropped)
            continue;
        st.words += d->sent[i].nwords;
        st.func += d->sent[i].nfunc;
        st.conn += d->sent[i].nconn;
        st.sentences += 1;
    }
    if (st.words < 1) {
        st.factor = 0.0;
        return st;
    }
    ratio = st.func / st.words;
    f = (ratio - 0.10) / (0.28 - 0.10);
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    st.factor = 0.2 + 0.8 * f;
    /* No reason, consequence or contrast anywhere in a long answer. */
    if (st.conn == 0 && st.words >= 25)
        st.factor *= 0.85;
    /* Key terms packed tighter than any sentence carries them. */
    if (density > 0.5)
        st.factor *= 1.0 - (density - 0.5);
    if (st.factor < 0.2)
        st.factor = 0.2;
    return st;
}

/* Share of the answer's words that some rubric phrase matched. */
static enum ph_rc key_density(const struct doc *d, const struct offline *off, size_t np,
                              double *out)
{
    unsigned char *hit = NULL;
    enum ph_rc rc = PH_OK;
    size_t nhit = 0;

    *out = 0.0;
    if (d->ntok == 0)
        return PH_OK;
    hit = calloc(d->ntok, 1);
    if (hit == NULL)
        return PH_ENOMEM;
    for (size_t p = 0; p < np && rc == PH_OK; p++) {
        const struct concept *c = &off->pts[p];
        for (size_t v = 0; v < c->nvar && rc == PH_OK; v++) {
            for (size_t g = 0; g < c->var[v].ng && rc == PH_OK; g++) {
                struct occs o = {0};
                rc = matcher_find_group(d, &c->var[v].g[g], &o);
                for (size_t i = 0; i < o.n; i++)
                    for (size_t k = o.v[i].start; k <= o.v[i].end; k++)
                        hit[k] = 1;
                free(o.v);
            }
        }
    }
    for (size_t i = 0; i < d->ntok; i++)
        nhit += hit[i];
    *out = (double)nhit / (double)d->ntok;
    free(hit);
    return rc;
}

struct fbuf {
    char s[FEEDBACK_MAX];
    size_t n;
};

static void fb_add(struct fbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fb_add(struct fbuf *b, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (b->n >= sizeof b->s - 1)
        return;
    va_start(ap, fmt);
    w = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    b->n += (size_t)w;
    if (b->n >= sizeof b->s)
        b->n = sizeof b->s - 1;
}

/* `s` into buf with its first letter lower-cased when the second is too
 * ("Threads run" -> "threads run", but "GIL" stays); returns buf. */
static const char *lowered_first(const char *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", s);
    if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static void build_feedback(const struct rubric *r, const struct explain_result *res, int empty,
                           int brief, int hedged, const struct style *st, struct fbuf *fb)
{
    size_t covered = 0, shown = 0;

    if (empty) {
        fb_add(fb, "The explanation is empty, so nothing could be credited.");
        if (res->injection)
            fb_add(fb, " Text addressed to the grader was ignored.");
        fb_add(fb, " Explain in your own sentences, for example: %s", r->points[0].text);
        return;
    }
    for (size_t i = 0; i < res->npoints; i++)
        covered += res->points[i].credit >= 0.75;
    fb_add(fb, "Covered %zu of %zu key points.", covered, res->npoints);
    for (size_t pass = 0; pass < 2; pass++) {
        /* Missing points first, then the ones only partly made. */
        for (size_t i = 0; i < res->npoints && shown < 3; i++) {
            const struct explain_point *p = &res->points[i];
            int missing = p->credit < 0.25, partial = p->credit >= 0.25 && p->credit < 0.75;
            if ((pass == 0 && !missing) || (pass == 1 && !partial))
                continue;
            fb_add(fb, " %s %s", pass == 0 ? "Missing:" : "Only partly explained:", p->text);
            shown++;
        }
    }
    for (size_t i = 0; i < res->nmisconceptions; i++) {
        const struct explain_misconception *m = &res->misconceptions[i];
        char belief[FEEDBACK_MAX];
        if (m->correction != NULL)
            fb_add(fb, " Not right: the answer says or implies that %s In fact: %s",
                   lowered_first(m->text, belief, sizeof belief), m->correction);
        else
            fb_add(fb, " Not right: %s", m->text);
    }
    if (st->factor < 0.6)
        fb_add(fb, " The answer reads like a list of terms: say how they connect, in full "
                   "sentences (because, so, which, instead).");
    if (brief && st->factor >= 0.6)
        fb_add(fb, " The answer is too short to explain what it names: say why each point holds, "
                   "in a few more sentences.");
    if (hedged)
        fb_add(fb, " The answer hedges or judges (\"it depends\", \"somehow\", \"easier\", "
                   "\"more modern\") where it should explain: say what each thing does, and why.");
    if (res->injection)
        fb_add(fb, " Text addressed to the grader was ignored and earned nothing.");
}

/* Tokens written in lines of code. */
static size_t code_tokens(const struct doc *d)
{
    size_t code = 0;

    for (size_t i = 0; i < d->ntok; i++)
        code += d->tok[i].code;
    return code;
}

/*
 * How far the score can be trusted without a human, and why not.  The
 * reasons are the cases this scorer is known to read badly: an answer that is
 * mostly code (it reads comments and names, not what the code does), text
 * addressed to the grader, and an answer that makes the key points while also
 * stating misconceptions (a human must weigh which it believes).
 */
static double code_share(const struct doc *d)
{
    return d->ntok > 0 ? (double)code_tokens(d) / (double)d->ntok : 0.0;
}

static void assess_confidence(const struct doc *d, struct explain_result *out, double coverage,
                              int empty)
{
    size_t code = 0, prose = 0;

    for (size_t i = 0; i < d->ntok; i++) {
        code += d->tok[i].code;
        prose += !d->tok[i].code;
    }
    /* Text addressed to the grader is flagged even when it was all there
     * was: an answer made only of fake grader output scores 0 but a human
     * should still see the attempt. */
    if (out->injection)
        explain_result_review(out, 0.3,
                              "injection attempt: text addressed to the grader was ignored and "
                              "cost points");
    if (empty)
        return;
    if (code > 0 && (double)code / (double)d->ntok > MOSTLY_CODE)
        explain_result_review(out, 0.4,
                              "mostly code: the offline scorer reads its comments and names, "
                              "not what the code does; review it");
    else if ((double)code / (double)d->ntok > MUCH_CODE && out->score < out->max * MUCH_CODE_LOW)
        explain_result_review(out, 0.45,
                              "much of it is code and the score is low: the offline scorer "
                              "reads comments and names, not what the code does; review it");
    if (out->nmisconceptions > 0 && coverage >= 0.5)
        explain_result_review(out, 0.45,
                              "conflicting signals: the answer makes key points and also states "
                              "a misconception");
    if (prose < SHORT_ANSWER_WORDS && out->confidence > 0.7)
        out->confidence = 0.7; /* little text: a human's grade could move a lot */
    if (!out->needs_review && out->confidence < EXPLAIN_REVIEW_CONFIDENCE)
        explain_result_review(out, out->confidence, "low confidence");
}

/* *off is 1 when no phrase of the rubric's topic occurs, un-negated, in the
 * answer's prose: whatever else it says, it is about something else. */
static enum ph_rc on_topic(const struct doc *d, const struct group *topic, int *off)
{
    struct occs o = {0};
    enum ph_rc rc = matcher_find_group(d, topic, &o);

    *off = 1;
    for (size_t i = 0; rc == PH_OK && i < o.n; i++)
        if (!d->tok[o.v[i].start].code)
            *off = 0;
    free(o.v);
    return rc;
}

/* Mark where the answer names the question's subject (d->topic), for the
 * matcher's subject carry. */
static enum ph_rc mark_topic(struct doc *d, const struct group *topic)
{
    struct occs o = {0};
    enum ph_rc rc;

    if (topic->nalt == 0 || d->ntok == 0)
        return PH_OK;
    d->topic = calloc(d->ntok, 1);
    if (d->topic == NULL)
        return PH_ENOMEM;
    rc = matcher_find_group(d, topic, &o);
    for (size_t i = 0; rc == PH_OK && i < o.n; i++)
        d->topic[o.v[i].start] = 1;
    free(o.v);
    return rc;
}

static int by_size_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? 1 : x > y ? -1 : 0;
}

/* The penalty of several misconceptions: the largest in full, each further
 * one at MISC_FURTHER of its own.  A grader takes an answer down for being
 * wrong, but two slips do not make an answer twice as wrong as one. */
static double penalties(double *p, size_t n)
{
    double total = 0;

    qsort(p, n, sizeof *p, by_size_desc);
    for (size_t i = 0; i < n; i++)
        total += i == 0 ? p[i] : MISC_FURTHER * p[i];
    return total;
}

/* Coverage (already scaled by how much the answer reads as explanation) to
 * grade: human graders give most of the marks once the main ideas are there
 * (9 for five points of seven made well), and little for one idea out of
 * five.  Up to CURVE_KNEE the grade follows coverage; past it, it bends
 * towards full marks by the rubric's "curve" (`lift`: 0 is linear, 1 flat at
 * full coverage; the exercises' 0.75 brought the excellent answers' mean
 * error near 0 over every graded set without moving keyword lists, which stay
 * under the knee; the practice bank's rubrics stay linear: the curve steepens
 * the grade near the knee, which widened the gap between a typed answer and
 * its misheard spoken twin from 3.0 to 3.9 on spoken_heldout4).  Only a sound
 * answer is lifted: one stating a wrong belief, talking to the grader, or
 * read through a glossary (which can miss a wrong belief) is held to its
 * coverage (`sound`). */
#define CURVE_KNEE 0.5
static double curve(double coverage, double lift, int sound)
{
    if (coverage <= 0)
        return 0;
    if (coverage >= 1)
        return 1;
    if (!sound || coverage <= CURVE_KNEE)
        return coverage;
    return coverage + lift * (coverage - CURVE_KNEE) * (1.0 - coverage) / (1.0 - CURVE_KNEE);
}

/*
 * Does sentence `si` relate its terms, as a claim does, rather than list them?
 * It has a function word or a connective ("returns a list", "so"), an arrow
 * or a comparison ("->", "=", ">"), or a label followed by what is said of it
 * ("gather: waits for all").  "- lazy evaluation" and "- constant memory /
 * O(1)" are terms.
 */
static int relates(const struct doc *d, long si)
{
    const struct sentence *s = &d->sent[si];

    if (s->nfunc > 0 || s->nconn > 0)
        return 1;
    for (size_t k = s->tok0; k + 1 < s->tok1 && k < s->tok0 + 3; k++)
        if (d->tok[k].colon)
            return 1;
    for (size_t i = s->off0; i < s->off1 && i < d->len; i++) {
        char c = d->text[i];
        if (d->kind[i] != DOC_PROSE)
            continue;
        if (c == '=' || c == '>' || c == '<')
            return 1;
        if ((unsigned char)c == 0xe2 && i + 2 < d->len && (unsigned char)d->text[i + 1] == 0x86)
            return 1; /* an arrow, U+2190..U+21FF */
    }
    return 0;
}

/* The floor notes earn (see NOTE_CLAIMS): 0 when fewer than NOTE_CLAIMS
 * distinct sentences each make a point in full and relate its terms. */
static double notes_floor(const struct doc *d, const struct explain_result *out,
                          const long *point_sent)
{
    size_t k = 0;

    for (size_t i = 0; i < out->npoints; i++) {
        int seen = 0;
        if (out->points[i].credit < POINT_FULL || point_sent[i] < 0 || !relates(d, point_sent[i]))
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = point_sent[j] == point_sent[i] && out->points[j].credit >= POINT_FULL &&
                   relates(d, point_sent[j]);
        k += !seen;
    }
    if (k < NOTE_CLAIMS)
        return 0.0;
    return NOTE_BASE + NOTE_PER_CLAIM * (double)k > 1.0 ? 1.0
                                                        : NOTE_BASE + NOTE_PER_CLAIM * (double)k;
}

/* The share of the marks an answer of `words` prose words can reach, on a
 * rubric of `npoints` key points. */
static double depth_ceiling(double words, size_t npoints)
{
    double full = DEPTH_WORDS_PER_POINT * (double)(npoints > 0 ? npoints : 1);
    double c = DEPTH_FLOOR + (1.0 - DEPTH_FLOOR) * words / full;

    return c > 1 ? 1 : c;
}

/*
 * An answer in Spanish, French or German read through its glossary: when the
 * English reading scores GLOSS_MIN_SCORE or more, states no wrong belief and
 * needs no review of its own, its score replaces `out` (which is cleaned up
 * first) and *kept is set; the result still goes to a human, since a word-for-
 * word reading can miss a wrong belief, and its feedback says what it is
 * instead of listing points (a point the reading missed is not missing).  A
 * lower score proves little: the reading loses what it cannot see.
 */
static enum ph_rc score_answer(const struct rubric *r, const char *question, const char *answer,
                               int read_lang, struct explain_result *out, struct ph_err *err);

static enum ph_rc read_through_glossary(const struct rubric *r, const char *question,
                                        const char *answer, size_t len,
                                        const struct lang_guess *lang, struct explain_result *out,
                                        int *kept, struct ph_err *err)
{
    struct explain_result en;
    char *text = NULL, why[256], fb[512];
    enum ph_rc rc;

    *kept = 0;
    rc = gloss_translate(lang->code, answer, len, &text, err);
    if (rc != PH_OK)
        return rc;
    rc = score_answer(r, question, text, 0, &en, err);
    free(text);
    if (rc != PH_OK)
        return rc;
    if (en.score < GLOSS_MIN_SCORE * r->max / 10.0 || en.nmisconceptions > 0 || en.injection ||
        en.needs_review) {
        explain_result_cleanup(&en);
        return PH_OK;
    }
    /* A reading is never more certain than this. */
    if (en.score > GLOSS_MAX_SCORE * r->max / 10.0)
        en.score = GLOSS_MAX_SCORE * r->max / 10.0;
    free(en.language);
    free(en.feedback);
    en.language = strdup(lang->code);
    snprintf(fb, sizeof fb,
             "Written in %s: scored offline from a word-for-word English reading of it, which "
             "finds the key points it names; single points are not listed, since the reading "
             "can miss what the answer says.",
             lang->name);
    en.feedback = strdup(fb);
    snprintf(why, sizeof why,
             "written in %s: scored from a word-for-word English reading; review it", lang->name);
    explain_result_review(&en, GLOSS_CONFIDENCE, why);
    if (en.language == NULL || en.feedback == NULL || en.review_reason == NULL) {
        explain_result_cleanup(&en);
        return ph_errf(err, PH_ENOMEM, "%s: out of memory while scoring the explanation", question);
    }
    explain_result_cleanup(out);
    *out = en;
    *kept = 1;
    return PH_OK;
}

/*
 * Score `answer`; with `read_lang`, an answer in another language is first
 * read through its glossary (gloss.h), and kept unscored unless that reading
 * scores GLOSS_MIN_SCORE or more with no wrong belief and nothing else to
 * review.
 */
static enum ph_rc score_answer(const struct rubric *r, const char *question, const char *answer,
                               int read_lang, struct explain_result *out, struct ph_err *err)
{
    const struct offline *off;
    struct doc d = {0};
    struct style st = {0};
    struct fbuf *fb = NULL;
    unsigned char *uses = NULL, *wrong = NULL;
    double *pens = NULL;
    size_t len;
    double wsum = 0, got = 0, penalty = 0, density = 0, coverage = 0;
    int off_topic = 0, brief = 0, hedged = 0, conflict = 0, hidden;
    long *pen_negates = NULL, *mis_sent = NULL, *mis_index = NULL;
    long *point_sent = NULL;
    unsigned char *mis_indirect = NULL;
    size_t nfund = 0, ncrossed = 0;
    struct lang_guess lang;
    int empty;
    enum ph_rc rc = PH_ENOMEM; /* every failure below is an allocation's */

    if (out == NULL || r == NULL || r->offline == NULL)
        return ph_errf(err, PH_EINTERNAL, "rubric_score: no rubric or result");
    memset(out, 0, sizeof *out);
    off = r->offline;
    if (question == NULL)
        question = "explanation";
    if (answer == NULL)
        answer = "";
    len = strnlen(answer, RUBRIC_ANSWER_MAX + 1);
    if (len > RUBRIC_ANSWER_MAX) {
        rc = ph_errf(err, PH_ELIMIT,
                     "%s: the explanation is longer than %d bytes (64 KiB); shorten it", question,
                     RUBRIC_ANSWER_MAX);
        goto out;
    }
    out->question = strdup(question);
    out->scorer = strdup("offline");
    out->points = calloc(r->npoints, sizeof *out->points);
    /* Room for the rubric's beliefs and one crossed subject per point. */
    out->misconceptions = calloc(r->nmisconceptions + r->npoints + 1, sizeof *out->misconceptions);
    fb = calloc(1, sizeof *fb);
    if (out->question == NULL || out->scorer == NULL || out->points == NULL ||
        out->misconceptions == NULL || fb == NULL)
        goto out;
    out->max = r->max;
    for (size_t i = 0; i < r->npoints; i++) {
        struct explain_point *p = &out->points[i];
        out->npoints = i + 1;
        p->id = strdup(r->points[i].id);
        p->text = strdup(r->points[i].text);
        p->weight = r->points[i].weight;
        if (p->id == NULL || p->text == NULL)
            goto out;
        wsum += p->weight;
    }
    if (doc_sanitize(&d, answer, len) != PH_OK)
        goto out;
    hidden = injection_hide_markup(&d);
    if (doc_tokenize(&d) != PH_OK)
        goto out;
    doc_mark_negators(&d);
    out->injection = injection_drop(&d) | hidden;
    if (mark_topic(&d, &off->topic) != PH_OK)
        goto out;
    out->confidence = 1.0;
    out->llm_total = -1;
    lang = lang_detect(&d);
    out->language = strdup(lang.code);
    if (out->language == NULL)
        goto out;
    if (lang.other && read_lang && gloss_knows(lang.code)) {
        int kept = 0;
        rc = read_through_glossary(r, question, answer, len, &lang, out, &kept, err);
        if (rc != PH_OK || kept)
            goto out;
        rc = PH_ENOMEM;
    }
    if (lang.other && read_lang) {
        /* Nothing this scorer says about such an answer would be true:
         * no points, no misconceptions, no feedback but the fact. */
        char why[256];
        snprintf(why, sizeof why,
                 "written in %s: not scored offline; configure an LLM or review it", lang.name);
        out->unscored = 1;
        explain_result_review(out, 0.0, why);
        snprintf(fb->s, sizeof fb->s, "This answer is %s.", why);
        out->feedback = strdup(fb->s);
        rc = out->feedback != NULL && out->review_reason != NULL ? PH_OK : PH_ENOMEM;
        goto out;
    }
    empty = d.ntok == 0;
    if (!empty) {
        if (key_density(&d, off, r->npoints, &density) != PH_OK)
            goto out;
        st = measure_style(&d, density);
        /* Comments in code are terse by nature: the list-of-terms measure is
         * for prose, and an answer that is mostly code goes to a human. */
        if (code_share(&d) > MOSTLY_CODE && st.factor < CODE_STYLE_FLOOR)
            st.factor = CODE_STYLE_FLOOR;
        uses = calloc(d.nsent + 1, 1);
        wrong = calloc(d.nsent + 1, 1);
        pens = calloc(r->nmisconceptions + r->npoints + 1, sizeof *pens);
        pen_negates = calloc(r->nmisconceptions + r->npoints + 1, sizeof *pen_negates);
        mis_sent = calloc(r->nmisconceptions + r->npoints + 1, sizeof *mis_sent);
        mis_index = calloc(r->nmisconceptions + r->npoints + 1, sizeof *mis_index);
        point_sent = calloc(r->npoints + 1, sizeof *point_sent);
        mis_indirect = calloc(r->nmisconceptions + r->npoints + 1, 1);
        if (uses == NULL || wrong == NULL || pens == NULL || pen_negates == NULL ||
            mis_sent == NULL || mis_index == NULL || point_sent == NULL || mis_indirect == NULL)
            goto out;
        for (size_t i = 0; i < r->nmisconceptions; i++) {
            const struct off_misc *om = &off->mis[i];
            struct explain_misconception *em;
            struct misc_hit hit;
            long sent;
            if (matcher_misc(&d, om, om->negates >= 0 ? &off->pts[om->negates] : NULL, &hit) !=
                PH_OK)
                goto out;
            sent = hit.sent;
            if (sent < 0)
                continue;
            em = &out->misconceptions[out->nmisconceptions++];
            em->id = strdup(r->misconceptions[i].id);
            em->text = strdup(r->misconceptions[i].text);
            if (r->misconceptions[i].correction != NULL) {
                em->correction = strdup(r->misconceptions[i].correction);
                if (em->correction == NULL)
                    goto out;
            }
            em->penalty = r->misconceptions[i].penalty;
            pens[out->nmisconceptions - 1] = em->penalty;
            pen_negates[out->nmisconceptions - 1] = om->negates;
            mis_sent[out->nmisconceptions - 1] = sent;
            mis_index[out->nmisconceptions - 1] = (long)i;
            mis_indirect[out->nmisconceptions - 1] = hit.indirect;
            if (r->misconceptions[i].fundamental)
                nfund++;
            wrong[sent] = 1;
            em->evidence = sentence_text(&d, sent);
            if (em->id == NULL || em->text == NULL || em->evidence == NULL)
                goto out;
        }
        /* A sentence that states a wrong belief earns no point, however
         * many of a point's words it uses: it asserts something else. */
        for (size_t i = 0; i < d.nsent; i++)
            d.sent[i].wrong = wrong[i];
        for (size_t i = 0; i < r->npoints; i++) {
            struct match m;
            if (matcher_concept(&d, &off->pts[i], uses, &m) != PH_OK)
                goto out;
            out->points[i].credit = m.credit;
            point_sent[i] = m.sent;
            if (m.sent >= 0 && m.credit >= 0.5 && uses[m.sent] < 255)
                uses[m.sent]++;
            if (m.credit > 0 && m.sent >= 0) {
                out->points[i].evidence = sentence_text(&d, m.sent);
                if (out->points[i].evidence == NULL)
                    goto out;
            }
        }
        /* A wrong belief contradicts the point it denies: an answer that
         * states it does not keep that point's credit from words found
         * elsewhere ("the buffer is bounded, so memory stays low" in an
         * answer that says generators prefetch in the background).  Only
         * when the answer also makes the point in full, in a sentence that
         * does not use the belief's words, do the two conflict: the point
         * stays, no ceiling applies, and a human decides
         * (assess_confidence()); the belief costs its penalty, or only
         * MISC_CONFLICT of it when it was read indirectly (through a denial
         * of the point, or a subject carried or lent from another clause),
         * the likelier misreading.  Two wrong beliefs are no slip: each costs
         * its penalty and a fundamental one its ceiling, though a point made
         * in full elsewhere stays. */
        for (size_t j = 0; j < out->nmisconceptions; j++) {
            long p = pen_negates[j];
            int shared = 1;
            if (p < 0 || (size_t)p >= out->npoints)
                continue;
            if (out->points[p].credit >= POINT_FULL && point_sent[p] >= 0 &&
                point_sent[p] != mis_sent[j] &&
                matcher_misc_words_in(&d, &off->mis[mis_index[j]], point_sent[p], &shared) != PH_OK)
                goto out;
            if (out->points[p].credit >= POINT_FULL && point_sent[p] != mis_sent[j] && !shared) {
                if (out->nmisconceptions == 1) {
                    if (mis_indirect[j])
                        pens[j] *= MISC_CONFLICT;
                    conflict = 1;
                }
                continue;
            }
            out->points[p].credit = 0.0;
            free(out->points[p].evidence);
            out->points[p].evidence = NULL;
        }
        /* A clause that says of a rival subject what the point says of its
         * own ("gather hands back results in completion order") reverses the
         * point: it earns nothing, whatever other sentences made it, and
         * the grade is capped below. */
        for (size_t i = 0; i < r->npoints; i++) {
            struct explain_misconception *em;
            char text[1024];
            long cs;
            if (matcher_crossed(&d, &off->pts[i], &off->rivals[i], &cs) != PH_OK)
                goto out;
            if (cs < 0)
                continue;
            ncrossed++;
            out->points[i].credit = 0.0;
            free(out->points[i].evidence);
            out->points[i].evidence = NULL;
            pens[out->nmisconceptions] = 0.0; /* the point and the cap are its cost */
            pen_negates[out->nmisconceptions] = -1;
            mis_sent[out->nmisconceptions] = cs;
            mis_index[out->nmisconceptions] = -1;
            em = &out->misconceptions[out->nmisconceptions++];
            snprintf(text, sizeof text, "%s-crossed", r->points[i].id);
            em->id = strdup(text);
            em->text = strdup("what this key point says of one subject holds for another one.");
            em->correction = strdup(r->points[i].text);
            em->evidence = sentence_text(&d, cs);
            if (em->id == NULL || em->text == NULL || em->correction == NULL ||
                em->evidence == NULL)
                goto out;
        }
        for (size_t i = 0; i < r->npoints; i++)
            got += out->points[i].credit * out->points[i].weight;
        /* A wrong claim that denies a key point already costs that point
         * (its sentence earns nothing); the penalty is what it costs beyond
         * the point, at least MISC_BEYOND_POINT of it, so a good answer
         * with one slip is not taken down twice for it. */
        for (size_t i = 0; i < out->nmisconceptions; i++) {
            long p = pen_negates[i];
            double lost;
            if (p < 0 || (size_t)p >= out->npoints || wsum <= 0)
                continue;
            lost = (1.0 - out->points[p].credit) * out->points[p].weight / wsum * r->max;
            pens[i] = pens[i] - lost > pens[i] * MISC_BEYOND_POINT ? pens[i] - lost
                                                                   : pens[i] * MISC_BEYOND_POINT;
        }
        penalty += penalties(pens, out->nmisconceptions);
        if (out->injection)
            penalty += INJECTION_PENALTY;
        coverage = wsum > 0 ? got / wsum : 0;
        {
            double notes = notes_floor(&d, out, point_sent);
            double earned = curve(coverage * (st.factor > notes ? st.factor : notes), r->curve,
                                  read_lang && out->nmisconceptions == 0 && !out->injection);
            double ceiling = 1.0;
            long hedge_sent;
            if (code_share(&d) <= MOSTLY_CODE) {
                ceiling = depth_ceiling(st.words + DEPTH_CODE_SHARE * code_tokens(&d), r->npoints);
                if (ceiling < notes)
                    ceiling = notes;
                if ((hedge_count(&d, &hedge_sent) > 0 || hedge_judgements(&d) >= JUDGEMENTS) &&
                    st.words < HEDGE_WORDS && ceiling > HEDGE_CAP) {
                    ceiling = HEDGE_CAP;
                    hedged = 1;
                }
            }
            if (earned > ceiling) {
                earned = ceiling;
                brief = !hedged;
            } else {
                hedged = 0;
            }
            out->score = r->max * earned - penalty;
        }
        /* An answer built on a wrong central belief, or one that tries to
         * talk the grader round, does not pass on the strength of its other
         * sentences. */
        if (nfund > 0 && !conflict && out->score > r->max * FUNDAMENTAL_CAP)
            out->score = r->max * FUNDAMENTAL_CAP;
        if (ncrossed > 0 && out->score > r->max * CROSSED_CAP)
            out->score = r->max * CROSSED_CAP;
        if (out->injection && out->score > r->max * INJECTION_CAP)
            out->score = r->max * INJECTION_CAP;
        if (off->topic.nalt > 0) {
            if (on_topic(&d, &off->topic, &off_topic) != PH_OK)
                goto out;
            if (off_topic && out->score > r->max * OFF_TOPIC_CAP)
                out->score = r->max * OFF_TOPIC_CAP;
        }
        out->score = out->score < 0 ? 0 : out->score > r->max ? r->max : out->score;
        out->score = round(out->score * 10.0) / 10.0;
    }
    assess_confidence(&d, out, coverage, empty);
    if (off_topic)
        fb_add(fb, "The answer does not address the question: it never names its subject. ");
    build_feedback(r, out, empty, brief, hedged, &st, fb);
    out->feedback = strdup(fb->s);
    if (out->feedback == NULL)
        goto out;
    rc = PH_OK;
out:
    if (rc == PH_ENOMEM)
        ph_errf(err, PH_ENOMEM, "%s: out of memory while scoring the explanation", question);
    if (rc != PH_OK)
        explain_result_cleanup(out);
    free(fb);
    free(uses);
    free(wrong);
    free(pens);
    free(pen_negates);
    free(mis_sent);
    free(mis_index);
    free(point_sent);
    free(mis_indirect);
    doc_cleanup(&d);
    return rc;
}

enum ph_rc rubric_score(const struct rubric *r, const char *question, const char *answer,
                        struct explain_result *out, struct ph_err *err)
{
    return score_answer(r, question, answer, 1, out, err);
}
