/*
 * rules.h - the rule language of exercise.json, compiled once.
 *
 * A check's rules compare figures ("cand.measure.big.wall_ns") with numbers
 * or other figures; its lesson fills "{path:unit}" placeholders with them;
 * the performance spec divides two of them.  This module owns the grammar:
 * rules_compile_*() turn the JSON into typed rules when the exercise loads
 * (an unknown root, section, figure, op, unit or a malformed placeholder is
 * an exercise error naming the field), and one resolver and evaluator read
 * them against the frames of a run, for the judge, the scorer and
 * comparison reports alike.  Nothing here parses a path at run time.
 *
 * A rule's left or right operand may also be "PATH / PATH", the ratio of two
 * figures (missing when the second is 0), or "(PATH / PATH) / (PATH / PATH)",
 * the ratio of two such quotients: each figure over a calibration taken in
 * its own run, so that two runs on a machine whose speed changed between
 * them compare like with like.
 *
 * Path grammar: ROLE "." SECTION ("." STEP)*
 *   ROLE    cand | ref | base | sys            (sys.cpus only)
 *   SECTION obs STEP*                          (the check's observation)
 *         | metrics FIGURE                     (the check as a whole)
 *         | measure LABEL FIGURE               (a labelled h.measure span)
 *         | client LABEL FIELD | monitor LABEL FIELD
 *   STEP    a key, an index into a list or tuple, or `len`
 *   FIGURE  one of measure_figures' fields (wall_ns, cpu_ns, ...)
 */
#ifndef PH_RULES_H
#define PH_RULES_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

enum rule_op { RULE_LE, RULE_LT, RULE_GE, RULE_GT, RULE_EQ, RULE_NE };

/* Whose figures a path reads: also the index into struct rule_frames. */
enum rule_role { RULE_CAND, RULE_REF, RULE_BASE, RULE_SYS, RULE_NROLES };

enum rule_section {
    RULE_SEC_OBS,
    RULE_SEC_METRICS,
    RULE_SEC_MEASURE,
    RULE_SEC_CLIENT,
    RULE_SEC_MONITOR,
    RULE_SEC_CPUS, /* sys.cpus */
};

/* How a lesson shows a figure. */
enum rule_unit {
    RULE_UNIT_NUM, /* %.3g */
    RULE_UNIT_BYTES,
    RULE_UNIT_MB,
    RULE_UNIT_MS, /* from ns */
    RULE_UNIT_S,  /* from ns */
    RULE_UNIT_SEC,
    RULE_UNIT_X,
    RULE_UNIT_VS, /* {cand/ref:vs}: "2.30x slower than the reference" */
    RULE_UNIT_INT,
    RULE_UNIT_PCT,
};

struct rule_step {
    char *key;  /* owned */
    long index; /* the key as a list index, or -1 when it is not digits */
};

struct rule_path {
    enum rule_role role;
    enum rule_section section;
    struct rule_step *steps; /* after the section (label and field included); owned */
    size_t nsteps;
    char *text; /* as written, for messages; owned */
};

enum rule_operand_kind {
    RULE_OPERAND_NUMBER,
    RULE_OPERAND_PATH,
    RULE_OPERAND_LITERAL, /* true, false, null: compared as JSON by eq/ne */
};

struct rule_operand {
    enum rule_operand_kind kind;
    double number;
    struct rule_path path;
    /* A rule's operand may be a ratio of two figures, "A / B" (spaces around
     * the slash): `path` over `den`, e.g. a serial cost taken from the
     * reference's run over the candidate's busiest process. */
    int has_den;
    struct rule_path den;
    /* "(A / B) / (C / D)": the quotient above over `over_num` / `over_den`
     * (has_den is then set too). */
    int has_over;
    struct rule_path over_num, over_den;
    char *text;     /* "A / B" as written, for messages; owned, NULL unless has_den */
    cJSON *literal; /* owned */
};

struct rule {
    struct rule_operand left, right;
    enum rule_op op;
    double scale, plus; /* right * scale + plus; 1 and 0 when absent */
    struct rule *when;  /* the rule applies only when this holds; owned, may be NULL */
    char *message;      /* owned, may be NULL */
};

struct rule_lesson_part {
    char *text; /* literal text (owned), or NULL for a placeholder */
    struct rule_path num;
    int has_den; /* {a/b:unit} */
    struct rule_path den;
    int has_over; /* {(a/b)/(c/d):unit} */
    struct rule_path over_num, over_den;
    enum rule_unit unit;
};

struct rule_lesson {
    struct rule_lesson_part *parts; /* owned */
    size_t nparts;
};

/*
 * Compile one rule, one operand (a number or a path: the performance spec's
 * num and den), or a lesson.  `where` is the file and `ctx` the field
 * ("checks[2].rules[0]") that errors name.  On failure nothing is left to
 * free in `out`; on success release with the matching *_cleanup().
 */
enum ph_rc rules_compile_rule(const cJSON *json, const char *where, const char *ctx,
                              struct rule *out, struct ph_err *err);
enum ph_rc rules_compile_operand(const cJSON *json, const char *where, const char *ctx,
                                 struct rule_operand *out, struct ph_err *err);
/* As rules_compile_operand(), or a quotient "PATH / PATH", or a ratio of two
 * quotients "(PATH / PATH) / (PATH / PATH)" (a rule's operand, a performance
 * ratio's numerator). */
enum ph_rc rules_compile_quotient(const cJSON *json, const char *where, const char *ctx,
                                  struct rule_operand *out, struct ph_err *err);
enum ph_rc rules_compile_lesson(const char *text, const char *where, const char *ctx,
                                struct rule_lesson *out, struct ph_err *err);

void rules_rule_cleanup(struct rule *r);
void rules_operand_cleanup(struct rule_operand *o);
/* A path operand as written ("A" or "A / B"); borrowed, NULL for a number. */
const char *rules_operand_text(const struct rule_operand *o);
void rules_lesson_cleanup(struct rule_lesson *l);

/* 1 if the rule (its `when` included) or the operand reads `role`'s figures
 * other than its observation: what must be measured again beside a
 * candidate rather than taken from a cached run. */
int rules_rule_reads_measured(const struct rule *r, enum rule_role role);
int rules_operand_reads_measured(const struct rule_operand *o, enum rule_role role);
/* 1 if it reads `role` at all. */
int rules_rule_reads(const struct rule *r, enum rule_role role);
int rules_operand_reads(const struct rule_operand *o, enum rule_role role);

/* 1 if the rule reads a figure the worker reports about itself (the
 * counting allocator's py_peak_bytes, py_current_bytes, py_allocs, and
 * inside_wall_ns, inside_cpu_ns): a lesson and a cross-check, never the only
 * evidence for a grade, since a compromised worker reports what it likes. */
int rules_rule_reads_worker_report(const struct rule *r);

/* What a path is resolved against: the check's frame from each role's
 * worker (borrowed, NULL when that role did not run or report it), and the
 * run's facts. */
struct rule_frames {
    const cJSON *frame[RULE_NROLES];
    double cpus; /* sys.cpus */
};

/* The operand as a number ({"$float": x} unwrapped, bools 0/1): 0, or -1
 * when missing or not numeric. */
int rules_number(const struct rule_operand *o, const struct rule_frames *f, double *out);

/* Evaluate: 1 holds (or does not apply), 0 fails, -1 a figure is missing;
 * on 0 and -1 `why` says what, in the words a report shows. */
int rules_eval(const struct rule *r, const struct rule_frames *f, char *why, size_t cap);

/* The lesson with its figures filled in: a new string (caller frees), or
 * NULL when a figure is missing (the lesson is then left out). */
char *rules_lesson_format(const struct rule_lesson *l, const struct rule_frames *f);

#endif
