/*
 * homework.h - an assignment: `homework.json`, parsed and strictly checked.
 *
 * Names the exercises (by id from the exercise bank, or by folder), their
 * points, the due date and late policy, which checks students see and when
 * (Gradescope's visibility levels), whether the model answer is shown, and a
 * per-student submission budget.  The format is documented in
 * docs/grading.md.  A `struct homework` owns everything it points to.
 */
#ifndef PH_HOMEWORK_H
#define PH_HOMEWORK_H

#include <stddef.h>

#include "err.h"

struct exercise;

#define HOMEWORK_JSON_MAX (256u * 1024)
#define HOMEWORK_EXERCISES_MAX 64
#define HOMEWORK_FILE_KB_DEFAULT 256 /* a homework file: a few pages of code */
#define HOMEWORK_FILE_KB_MAX 1024    /* the engine refuses more (ENGINE_SUBMISSION_MAX) */

/* Gradescope's visibility levels, least visible first. */
enum hw_visibility {
    HW_VIS_HIDDEN,
    HW_VIS_AFTER_DUE_DATE,
    HW_VIS_AFTER_PUBLISHED,
    HW_VIS_VISIBLE,
};

/* When the model answer is shown in feedback. */
enum hw_show {
    HW_SHOW_NEVER,
    HW_SHOW_AFTER_DUE_DATE,
    HW_SHOW_ALWAYS,
};

struct hw_check_vis {
    char *check;
    enum hw_visibility vis;
};

struct hw_exercise {
    char *id;     /* column name and file stem: <id>.py, <id>.md */
    char *folder; /* absolute folder of the exercise, or NULL: looked up by id */
    double points;
    struct hw_check_vis *vis; /* per-check overrides */
    size_t nvis;
    int model_answer;    /* enum hw_show, or -1: the assignment's */
    struct exercise *ex; /* loaded by homework_load_exercises(), else NULL */
    char sha256[65];     /* content of the exercise's files (and the assignment's
                          * submission_limits), once loaded */
    /* The exercise's own limits before submission_limits lowered them: a
     * run stopped at a lower limit was stopped by the assignment's budget. */
    double own_wall_s;
    size_t own_memory_bytes;
};

struct homework {
    char *path; /* as given */
    char *dir;  /* folder holding homework.json: relative folders start there */
    char *text; /* the file's bytes (kept for shards: merge re-reads it) */
    char sha256[65];
    char *name;
    long long due; /* Unix seconds */
    double late_percent_per_day, late_cap_percent;
    long long grace_s;
    enum hw_visibility vis_visible; /* checks the exercise shows */
    enum hw_visibility vis_hidden;  /* checks the exercise hides */
    enum hw_show model_answer;
    int budget; /* submissions per student; 0 = unlimited */
    /* submission_limits: what one submission may use, enforced by lowering
     * every exercise's limits to these (the sandbox stops the run); 0 =
     * the exercise's own. */
    double limit_wall_s;
    size_t limit_memory_bytes;
    size_t max_file_bytes;
    struct hw_exercise *ex;
    size_t nex;
};

/*
 * Parse `path`.  Any unknown key, missing field or bad value is PH_EINPUT
 * with a message naming the file and the field (`exercises[1].points`).
 * On success *out is the caller's: homework_free().
 */
enum ph_rc homework_load(const char *path, struct homework **out, struct ph_err *err);

/* Parse already read bytes; `path` names them in messages and `dir` anchors
 * relative folders (both borrowed). */
enum ph_rc homework_parse(const char *path, const char *dir, const char *text,
                          struct homework **out, struct ph_err *err);

/* Load every exercise (bank given by exercises_dir, borrowed) and hash its files. */
enum ph_rc homework_load_exercises(struct homework *hw, const char *exercises_dir,
                                   struct ph_err *err);

void homework_free(struct homework *hw);

/* The visibility of check `name` of exercise `i`; `hidden_in_exercise` is
 * 1 when exercise.json marks the check as not visible. */
enum hw_visibility homework_check_vis(const struct homework *hw, size_t i, const char *name,
                                      int hidden_in_exercise);

/* When part `i`'s run ended with `verdict` (verdict_name()) because of
 * the assignment's submission_limits rather than the exercise's own: the
 * reason, for the student and the gradebook ("stopped: over this
 * assignment's budget of 5 s per submission"); NULL otherwise. */
const char *homework_budget_stop(const struct homework *hw, size_t i, const char *verdict,
                                 char *buf, size_t cap);

/* Whether a check at `vis` is shown in feedback rendered at time `now`
 * (Unix seconds); `published` is 1 once the instructor published grades. */
int homework_vis_shown(const struct homework *hw, enum hw_visibility vis, long long now,
                       int published);

/* Whether exercise `i`'s model answer is shown at `now`. */
int homework_model_answer_shown(const struct homework *hw, size_t i, long long now);

/* "hidden", "after_due_date", ...: static storage. */
const char *homework_vis_name(enum hw_visibility v);

/* Percent taken off for a submission at `submitted_at` (0 when on time). */
double homework_late_percent(const struct homework *hw, long long submitted_at, int *days_late);

/* Parse "2026-11-20T23:59:00Z" (seconds and the zone optional: no zone is
 * UTC; "+01:00" offsets).  0 on success. */
int homework_parse_time(const char *s, long long *out);

/* Format Unix seconds as "2026-11-20T23:59:00Z" into buf. */
const char *homework_format_time(long long t, char *buf, size_t cap);

#endif
