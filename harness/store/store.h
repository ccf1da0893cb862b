/*
 * store.h - pyharness's SQLite database.
 *
 * Owns one database file: its schema (a `schema_version` table and numbered
 * migrations applied in order, so later features add tables by appending a
 * migration), the connection, and every prepared statement, each finalized
 * before the call that prepared it returns.  It holds the LLM score cache,
 * graded runs (store_run_*), the practice history (store_practice_*) and
 * batch grading's parts (store_grade_*).  Only store.c includes sqlite3.h.
 * A `struct store` is used by one thread at a time; several processes may
 * share the file (WAL, busy timeout).
 */
#ifndef PH_STORE_H
#define PH_STORE_H

#include "err.h"

struct store;

/* The schema version this build creates and understands. */
#define STORE_SCHEMA_VERSION 4

/* Longest JSON a cache row may hold; bigger results are refused, not cut. */
#define STORE_LLM_JSON_MAX (1024 * 1024)

/*
 * Open (creating it and its parent folder if needed) the database at `path`
 * (borrowed) and bring its schema up to date.  On success *out is a new store
 * the caller frees with store_close().  A file made by a newer pyharness, or
 * one that is not a database, fails with PH_EINPUT naming the path.
 */
enum ph_rc store_open(const char *path, struct store **out, struct ph_err *err);

/*
 * Commit without waiting for the disk (PRAGMA synchronous=NORMAL under WAL):
 * a commit survives the process being killed at any moment (kill -9), not
 * a power cut of the machine, which may lose the last commits but never
 * leaves a half-written one.  For a store that can be rebuilt by running
 * again (grade's: a lost part is graded again on the next run).
 */
enum ph_rc store_relax_sync(struct store *st, struct ph_err *err);

/* Close the connection and free `st`.  Accepts NULL. */
void store_close(struct store *st);

/* The schema version recorded in the open database. */
int store_schema_version(const struct store *st);

/*
 * Where the LLM score cache lives: $PYHARNESS_LLM_CACHE when set, else
 * $XDG_CACHE_HOME/pyharness/llm-cache.sqlite3 (XDG_CACHE_HOME defaults to
 * ~/.cache).  *out is NULL when the cache is turned off (PYHARNESS_LLM_CACHE
 * is "off" or "0").  Caller frees *out with free().
 */
enum ph_rc store_llm_cache_path(char **out, struct ph_err *err);

/* What a cached LLM score is keyed by; all borrowed, none NULL. */
struct store_llm_key {
    const char *provider; /* "openai", "anthropic" */
    const char *model;
    const char *prompt_version; /* changes whenever the prompt would change */
    const char *question;       /* exercise id */
    const char *answer_sha256;  /* 64 hex digits */
};

/*
 * Look a score up.  On a hit *json_out is the stored result JSON, which the
 * caller frees with free(); on a miss it is NULL and the call returns PH_OK.
 */
enum ph_rc store_llm_get(struct store *st, const struct store_llm_key *key, char **json_out,
                         struct ph_err *err);

/* Insert or replace the result JSON (borrowed) for `key`. */
enum ph_rc store_llm_put(struct store *st, const struct store_llm_key *key, const char *json,
                         struct ph_err *err);

/*
 * Where the practice history lives: $PYHARNESS_HISTORY when set, else
 * $XDG_DATA_HOME/pyharness/history.sqlite3 (XDG_DATA_HOME defaults to
 * ~/.local/share).  Caller frees *out with free().
 */
enum ph_rc store_history_path(char **out, struct ph_err *err);

/* One practice session; all strings borrowed. */
struct store_practice_session {
    long long started_at; /* unix seconds */
    const char *topic;    /* the --topic filter, or NULL for a mixed session */
    double minutes;       /* the session's time budget */
    int voice;            /* --voice was given */
};

/* One answered (or timed-out) question of a session; strings borrowed. */
struct store_practice_answer {
    int seq; /* 0, 1, ... within the session */
    const char *question;
    const char *topic;
    const char *kind;   /* "concept" or "exercise" */
    const char *answer; /* what was typed (or the code), possibly empty */
    double score, max;
    double seconds_used, seconds_allowed;
    int timed_out;
    const char *scorer; /* "offline", "openai:<model>", "engine" */
};

/* Record a new session; *id receives its row id. */
enum ph_rc store_practice_begin(struct store *st, const struct store_practice_session *s,
                                long long *id, struct ph_err *err);

/* Record one answer of session `id`. */
enum ph_rc store_practice_answer_put(struct store *st, long long id,
                                     const struct store_practice_answer *a, struct ph_err *err);

/* Mark session `id` ended now; `interrupted` when the learner left early. */
enum ph_rc store_practice_end(struct store *st, long long id, int interrupted, struct ph_err *err);

/* One stored answer as history reads it; strings borrowed, valid during the
 * callback only. */
struct store_practice_row {
    long long session;
    long long started_at;
    int interrupted;
    const char *question, *topic, *kind;
    double score, max, seconds_used, seconds_allowed;
    int timed_out;
};

/*
 * Call `fn` for every stored answer, oldest session first, in answer order.
 * A non-zero return from `fn` stops the walk (and is not an error).
 */
enum ph_rc store_practice_each(struct store *st,
                               int (*fn)(void *arg, const struct store_practice_row *row),
                               void *arg, struct ph_err *err);
/* Longest result JSON a run row may hold (a result carries capped output). */
#define STORE_RUN_JSON_MAX (16 * 1024 * 1024)

/* What a recorded run is looked up by; all borrowed, none NULL. */
struct store_run {
    const char *exercise;
    const char *exercise_sha256;
    const char *submission;
    const char *submission_sha256;
    const char *verdict;
    double total;
};

/*
 * Record a graded run: `json` (borrowed) is the result's JSON form
 * (report_json.h), kept byte for byte.  *id_out (may be NULL) receives the
 * run's id.
 */
enum ph_rc store_run_put(struct store *st, const struct store_run *run, const char *json,
                         long long *id_out, struct ph_err *err);

/* The JSON of run `id`, exactly as recorded; caller frees *json_out with free().
 * PH_EINPUT when there is no such run. */
enum ph_rc store_run_get(struct store *st, long long id, char **json_out, struct ph_err *err);

/* ---- batch grading (grade/) ------------------------------------------ */

#define STORE_HASH_HEX 65 /* 64 hex digits and the NUL */

/* One graded part: a student's work on one exercise.  Strings are borrowed
 * (by store_grade_put from the caller; in a store_grade_each callback from
 * the store, valid until the callback returns).  NULL problem, result_json
 * or source mean none. */
struct store_grade_row {
    const char *student, *exercise;
    const char *exercise_sha256;    /* content of the exercise's files */
    const char *submission_sha256;  /* the bytes graded, "" when there were none */
    const char *explanation_sha256; /* the explanation's bytes, "" when none */
    const char *status;             /* a verdict name, or "missing" / "invalid" */
    const char *problem;            /* what the student is told went wrong with the files */
    long long wall_ns, cpu_ns, py_peak_bytes, rss_peak_bytes;
    double correctness, performance, explanation, total, max; /* the run's score */
    int flagged;             /* the explanation's score needs a human */
    int attempts;            /* submissions counted for the budget */
    long long submitted_at;  /* Unix seconds, 0 when unknown */
    long long graded_at;     /* Unix seconds */
    long long grade_ns;      /* wall time the harness spent on this part */
    const char *shard;       /* "K/N" or "" */
    const char *result_json; /* the engine's result, or NULL */
    const char *source;      /* the submission's text (for similarity), or NULL */
};

/* Insert or replace one part, atomically (one statement). */
enum ph_rc store_grade_put(struct store *st, const struct store_grade_row *row, struct ph_err *err);

struct store_grade_hashes {
    int found;
    char exercise_sha256[STORE_HASH_HEX], submission_sha256[STORE_HASH_HEX],
        explanation_sha256[STORE_HASH_HEX];
    long long submitted_at;
    int attempts;
};

/* What the recorded part of (student, exercise) was graded from; out->found
 * is 0 when there is none. */
enum ph_rc store_grade_hashes(struct store *st, const char *student, const char *exercise,
                              struct store_grade_hashes *out, struct ph_err *err);

/* Called once per recorded part, by student then exercise.  A code other
 * than PH_OK stops the walk and is returned by store_grade_each(). */
typedef enum ph_rc (*store_grade_fn)(const struct store_grade_row *row, void *arg,
                                     struct ph_err *err);

enum ph_rc store_grade_each(struct store *st, store_grade_fn fn, void *arg, struct ph_err *err);

/* The assignment's facts (name, homework hash, shard): key/value strings.
 * store_meta_get: *out is NULL when unset, else the caller frees it. */
enum ph_rc store_meta_set(struct store *st, const char *key, const char *value, struct ph_err *err);
enum ph_rc store_meta_get(struct store *st, const char *key, char **out, struct ph_err *err);

#endif
