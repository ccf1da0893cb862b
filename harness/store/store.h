/*
 * store.h - pyharness's SQLite database.
 *
 * Owns one database file: its schema (a `schema_version` table and numbered
 * migrations applied in order, so later features add tables by appending a
 * migration), the connection, and every prepared statement, each finalized
 * before the call that prepared it returns.  Today it holds the LLM score
 * cache and graded runs (store_run_*); batch grading adds its tables here.  Only store.c includes
 * sqlite3.h.  A `struct store` is used by one thread at a time; several
 * processes may share the file (WAL, busy timeout).
 */
#ifndef PH_STORE_H
#define PH_STORE_H

#include "err.h"

struct store;

/* The schema version this build creates and understands. */
#define STORE_SCHEMA_VERSION 2

/* Longest JSON a cache row may hold; bigger results are refused, not cut. */
#define STORE_LLM_JSON_MAX (1024 * 1024)

/*
 * Open (creating it and its parent folder if needed) the database at `path`
 * (borrowed) and bring its schema up to date.  On success *out is a new store
 * the caller frees with store_close().  A file made by a newer pyharness, or
 * one that is not a database, fails with PH_EINPUT naming the path.
 */
enum ph_rc store_open(const char *path, struct store **out, struct ph_err *err);

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

#endif
