/*
 * store.c - see store.h.
 *
 * Schema changes are numbered migrations run in one IMMEDIATE transaction at
 * open, so two processes opening an old file at once cannot both migrate it.
 * The version lives in a one-row `schema_version` table rather than
 * PRAGMA user_version so that it is visible to anyone browsing the file.
 */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

/* How long a writer waits for another process's lock before giving up. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store {
    sqlite3 *db;
    char *path;
    int version;
};

/* migrations[i] takes a database from version i to version i + 1. */
static const char *const migrations[] = {
    /* 1: the LLM score cache.  The answer is kept only as its hash. */
    "CREATE TABLE llm_cache ("
    "  provider TEXT NOT NULL,"
    "  model TEXT NOT NULL,"
    "  prompt_version TEXT NOT NULL,"
    "  question TEXT NOT NULL,"
    "  answer_sha256 TEXT NOT NULL,"
    "  result_json TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (provider, model, prompt_version, question, answer_sha256)"
    ") WITHOUT ROWID;",
    /* 2: graded runs.  The result's JSON (docs/result-format.md) is kept as
     * rendered, so loading and rendering it again gives the same bytes; the
     * columns beside it are what a gradebook or a resume looks runs up by. */
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  exercise TEXT NOT NULL,"
    "  exercise_sha256 TEXT NOT NULL,"
    "  submission TEXT NOT NULL,"
    "  submission_sha256 TEXT NOT NULL,"
    "  verdict TEXT NOT NULL,"
    "  total REAL NOT NULL,"
    "  result_json TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX runs_by_submission ON runs (exercise, submission_sha256);",
    /* 3: practice sessions (pyharness practice / history).  One row per
     * session, one per answered question; the answer text is kept so a
     * learner can look back at what they wrote. */
    "CREATE TABLE practice_session ("
    "  id INTEGER PRIMARY KEY,"
    "  started_at INTEGER NOT NULL,"
    "  ended_at INTEGER,"
    "  topic TEXT,"
    "  minutes REAL NOT NULL,"
    "  voice INTEGER NOT NULL DEFAULT 0,"
    "  interrupted INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE TABLE practice_answer ("
    "  session_id INTEGER NOT NULL REFERENCES practice_session(id),"
    "  seq INTEGER NOT NULL,"
    "  question TEXT NOT NULL,"
    "  topic TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  answer TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  max REAL NOT NULL,"
    "  seconds_used REAL NOT NULL,"
    "  seconds_allowed REAL NOT NULL,"
    "  timed_out INTEGER NOT NULL,"
    "  scorer TEXT NOT NULL,"
    "  PRIMARY KEY (session_id, seq)"
    ");"
    "CREATE INDEX practice_answer_topic ON practice_answer (topic);",
    /* 4: batch grading.  One row per student and exercise, written in one
     * statement when that part is fully graded, so a killed `grade` never
     * leaves a half-graded part behind; the hashes say whether a re-run
     * must grade it again.  grade_meta holds the assignment's facts. */
    "CREATE TABLE grade_runs ("
    "  student TEXT NOT NULL,"
    "  exercise TEXT NOT NULL,"
    "  exercise_sha256 TEXT NOT NULL,"
    "  submission_sha256 TEXT NOT NULL,"
    "  explanation_sha256 TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  problem TEXT,"
    "  wall_ns INTEGER NOT NULL,"
    "  cpu_ns INTEGER NOT NULL,"
    "  py_peak_bytes INTEGER NOT NULL,"
    "  rss_peak_bytes INTEGER NOT NULL,"
    "  correctness REAL NOT NULL,"
    "  performance REAL NOT NULL,"
    "  explanation REAL NOT NULL,"
    "  total REAL NOT NULL,"
    "  max REAL NOT NULL,"
    "  flagged INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL,"
    "  submitted_at INTEGER NOT NULL,"
    "  graded_at INTEGER NOT NULL,"
    "  grade_ns INTEGER NOT NULL,"
    "  shard TEXT NOT NULL,"
    "  result_json TEXT,"
    "  source TEXT,"
    "  PRIMARY KEY (student, exercise)"
    ") WITHOUT ROWID;"
    "CREATE TABLE grade_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
};

#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])

_Static_assert(NMIGRATIONS == STORE_SCHEMA_VERSION, "one migration per schema version");

static enum ph_rc db_error(struct ph_err *err, sqlite3 *db, const char *path, const char *what)
{
    int code = sqlite3_errcode(db);
    enum ph_rc rc = PH_EIO;

    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
        rc = PH_EINPUT;
    return ph_errf(err, rc, "%s: %s: %s", path, what, sqlite3_errmsg(db));
}

/* mkdir -p of the folder holding `path`; private (0700) because the cache
 * reveals which questions a user practised. */
static enum ph_rc make_parent_dirs(const char *path, struct ph_err *err)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    enum ph_rc rc = PH_OK;

    if (len >= sizeof buf)
        return ph_errf(err, PH_EINPUT, "%s: path too long", path);
    memcpy(buf, path, len + 1);
    char *slash = strrchr(buf, '/');
    if (slash == NULL || slash == buf)
        return PH_OK;
    *slash = '\0';
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            rc = ph_errf(err, PH_EIO, "%s: cannot create folder: %s", buf, strerror(errno));
        *p = '/';
        if (rc != PH_OK)
            return rc;
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EIO, "%s: cannot create folder: %s", buf, strerror(errno));
    return PH_OK;
}

static enum ph_rc exec_sql(struct store *st, const char *sql, const char *what, struct ph_err *err)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(err, st->db, st->path, what);
    return PH_OK;
}

/* Read the recorded version into *version (0 for a fresh file). */
static enum ph_rc read_version(struct store *st, int *version, struct ph_err *err)
{
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;
    int step;

    *version = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT max(version) FROM schema_version", -1, &stmt, NULL) !=
        SQLITE_OK) {
        rc = db_error(err, st->db, st->path, "reading the schema version");
        goto out;
    }
    step = sqlite3_step(stmt);
    if (step != SQLITE_ROW) {
        rc = db_error(err, st->db, st->path, "reading the schema version");
        goto out;
    }
    if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
        *version = sqlite3_column_int(stmt, 0);
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

static enum ph_rc write_version(struct store *st, int version, struct ph_err *err)
{
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;

    if (exec_sql(st, "DELETE FROM schema_version", "recording the schema version", err) != PH_OK)
        goto out;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO schema_version(version) VALUES (?1)", -1, &stmt,
                           NULL) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 1, version) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
        rc = db_error(err, st->db, st->path, "recording the schema version");
        goto out;
    }
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

static enum ph_rc migrate(struct store *st, struct ph_err *err)
{
    enum ph_rc rc;
    int version = 0;

    rc = exec_sql(st, "BEGIN IMMEDIATE", "starting the schema upgrade", err);
    if (rc != PH_OK)
        return rc;
    rc = exec_sql(st, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                  "creating the schema_version table", err);
    if (rc != PH_OK)
        goto out;
    rc = read_version(st, &version, err);
    if (rc != PH_OK)
        goto out;
    if (version < 0 || version > STORE_SCHEMA_VERSION) {
        rc = ph_errf(err, PH_EINPUT,
                     "%s: schema version %d is newer than this pyharness understands (%d); "
                     "use a newer pyharness or another file",
                     st->path, version, STORE_SCHEMA_VERSION);
        goto out;
    }
    for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
        rc = exec_sql(st, migrations[v], "upgrading the schema", err);
        if (rc != PH_OK)
            goto out;
    }
    if (version != STORE_SCHEMA_VERSION) {
        rc = write_version(st, STORE_SCHEMA_VERSION, err);
        if (rc != PH_OK)
            goto out;
    }
    rc = exec_sql(st, "COMMIT", "committing the schema upgrade", err);
    if (rc == PH_OK)
        st->version = STORE_SCHEMA_VERSION;
out:
    if (rc != PH_OK)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

enum ph_rc store_open(const char *path, struct store **out, struct ph_err *err)
{
    struct store *st = NULL;
    enum ph_rc rc;

    *out = NULL;
    rc = make_parent_dirs(path, err);
    if (rc != PH_OK)
        goto fail;
    st = calloc(1, sizeof *st);
    if (st == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    st->path = strdup(path);
    if (st->path == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = ph_errf(err, PH_EIO, "%s: cannot open database: %s", path,
                     st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
    /* WAL lets one process read the cache while another writes it. */
    rc = exec_sql(st, "PRAGMA journal_mode=WAL", "enabling WAL", err);
    if (rc != PH_OK)
        goto fail;
    rc = exec_sql(st, "PRAGMA foreign_keys=ON", "enabling foreign keys", err);
    if (rc != PH_OK)
        goto fail;
    rc = migrate(st, err);
    if (rc != PH_OK)
        goto fail;
    *out = st;
    return PH_OK;
fail:
    store_close(st);
    return rc;
}

enum ph_rc store_relax_sync(struct store *st, struct ph_err *err)
{
    return exec_sql(st, "PRAGMA synchronous=NORMAL", "relaxing synchronous commits", err);
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    /* Every statement is finalized by the call that prepared it, so close
     * cannot fail with SQLITE_BUSY here. */
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

int store_schema_version(const struct store *st)
{
    return st->version;
}

enum ph_rc store_llm_cache_path(char **out, struct ph_err *err)
{
    const char *env = getenv("PYHARNESS_LLM_CACHE");
    const char *base = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char buf[PATH_MAX];
    int n;

    *out = NULL;
    if (env != NULL && env[0] != '\0') {
        if (strcmp(env, "off") == 0 || strcmp(env, "0") == 0)
            return PH_OK;
        n = snprintf(buf, sizeof buf, "%s", env);
    } else if (base != NULL && base[0] == '/') {
        n = snprintf(buf, sizeof buf, "%s/pyharness/llm-cache.sqlite3", base);
    } else if (home != NULL && home[0] != '\0') {
        n = snprintf(buf, sizeof buf, "%s/.cache/pyharness/llm-cache.sqlite3", home);
    } else {
        return ph_errf(
            err, PH_EINPUT,
            "no place for the LLM cache: set PYHARNESS_LLM_CACHE, XDG_CACHE_HOME or HOME");
    }
    if (n < 0 || (size_t)n >= sizeof buf)
        return ph_errf(err, PH_EINPUT, "LLM cache path too long");
    *out = strdup(buf);
    if (*out == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    return PH_OK;
}

/* A NUL-terminated copy of a column's `len` bytes (len >= 0, checked by the
 * caller against its cap); caller frees, NULL when out of memory. */
static char *text_dup(const unsigned char *text, int len)
{
    char *d = malloc((size_t)len + 1);

    assert(len >= 0);
    if (d != NULL) {
        memcpy(d, text, (size_t)len);
        d[len] = '\0';
    }
    return d;
}

static int bind_key(sqlite3_stmt *stmt, const struct store_llm_key *key)
{
    const char *v[5] = {key->provider, key->model, key->prompt_version, key->question,
                        key->answer_sha256};

    for (int i = 0; i < 5; i++)
        if (sqlite3_bind_text(stmt, i + 1, v[i], -1, SQLITE_STATIC) != SQLITE_OK)
            return -1;
    return 0;
}

enum ph_rc store_llm_get(struct store *st, const struct store_llm_key *key, char **json_out,
                         struct ph_err *err)
{
    static const char sql[] = "SELECT result_json FROM llm_cache WHERE provider = ?1 AND "
                              "model = ?2 AND prompt_version = ?3 AND question = ?4 AND "
                              "answer_sha256 = ?5";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;
    int step;

    *json_out = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK || bind_key(stmt, key)) {
        rc = db_error(err, st->db, st->path, "reading the LLM cache");
        goto out;
    }
    step = sqlite3_step(stmt);
    if (step == SQLITE_DONE) {
        rc = PH_OK;
        goto out;
    }
    if (step != SQLITE_ROW) {
        rc = db_error(err, st->db, st->path, "reading the LLM cache");
        goto out;
    }
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    int len = sqlite3_column_bytes(stmt, 0);
    if (text == NULL || len <= 0 || len > STORE_LLM_JSON_MAX) {
        /* A row we cannot trust is a miss: the caller will rescore and replace it. */
        rc = PH_OK;
        goto out;
    }
    *json_out = text_dup(text, len);
    if (*json_out == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: out of memory reading the LLM cache", st->path);
        goto out;
    }
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

enum ph_rc store_llm_put(struct store *st, const struct store_llm_key *key, const char *json,
                         struct ph_err *err)
{
    static const char sql[] = "INSERT OR REPLACE INTO llm_cache (provider, model, prompt_version, "
                              "question, answer_sha256, result_json, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;
    size_t len = strlen(json);

    if (len > STORE_LLM_JSON_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: LLM result of %zu bytes is over the cache's %d",
                       st->path, len, STORE_LLM_JSON_MAX);
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK || bind_key(stmt, key) ||
        sqlite3_bind_text(stmt, 6, json, (int)len, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 7, (sqlite3_int64)time(NULL)) != SQLITE_OK) {
        rc = db_error(err, st->db, st->path, "writing the LLM cache");
        goto out;
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        rc = db_error(err, st->db, st->path, "writing the LLM cache");
        goto out;
    }
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

enum ph_rc store_run_put(struct store *st, const struct store_run *run, const char *json,
                         long long *id_out, struct ph_err *err)
{
    static const char sql[] = "INSERT INTO runs (exercise, exercise_sha256, submission, "
                              "submission_sha256, verdict, total, result_json, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;
    size_t len = strlen(json);

    if (len > STORE_RUN_JSON_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: a result of %zu bytes is over the store's %d", st->path,
                       len, STORE_RUN_JSON_MAX);
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 1, run->exercise, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, run->exercise_sha256, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, run->submission, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, run->submission_sha256, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 5, run->verdict, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_double(stmt, 6, run->total) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 7, json, (int)len, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 8, (sqlite3_int64)time(NULL)) != SQLITE_OK) {
        rc = db_error(err, st->db, st->path, "recording a run");
        goto out;
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        rc = db_error(err, st->db, st->path, "recording a run");
        goto out;
    }
    if (id_out != NULL)
        *id_out = (long long)sqlite3_last_insert_rowid(st->db);
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

enum ph_rc store_run_get(struct store *st, long long id, char **json_out, struct ph_err *err)
{
    static const char sql[] = "SELECT result_json FROM runs WHERE id = ?1";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;
    const unsigned char *text;
    int step, len;

    *json_out = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id) != SQLITE_OK) {
        rc = db_error(err, st->db, st->path, "reading a run");
        goto out;
    }
    step = sqlite3_step(stmt);
    if (step == SQLITE_DONE) {
        rc = ph_errf(err, PH_EINPUT, "%s: no run %lld", st->path, id);
        goto out;
    }
    if (step != SQLITE_ROW) {
        rc = db_error(err, st->db, st->path, "reading a run");
        goto out;
    }
    text = sqlite3_column_text(stmt, 0);
    len = sqlite3_column_bytes(stmt, 0);
    if (text == NULL || len < 0 || len > STORE_RUN_JSON_MAX) {
        rc = ph_errf(err, PH_EINPUT, "%s: run %lld holds no result", st->path, id);
        goto out;
    }
    *json_out = text_dup(text, len);
    if (*json_out == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: out of memory reading a run", st->path);
        goto out;
    }
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

/* Practice history ------------------------------------------------------ */

enum ph_rc store_history_path(char **out, struct ph_err *err)
{
    const char *env = getenv("PYHARNESS_HISTORY");
    const char *base = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char buf[PATH_MAX];
    int n;

    *out = NULL;
    if (env != NULL && env[0] != '\0')
        n = snprintf(buf, sizeof buf, "%s", env);
    else if (base != NULL && base[0] == '/')
        n = snprintf(buf, sizeof buf, "%s/pyharness/history.sqlite3", base);
    else if (home != NULL && home[0] != '\0')
        n = snprintf(buf, sizeof buf, "%s/.local/share/pyharness/history.sqlite3", home);
    else
        return ph_errf(err, PH_EINPUT,
                       "no place for the practice history: set PYHARNESS_HISTORY, "
                       "XDG_DATA_HOME or HOME");
    if (n < 0 || (size_t)n >= sizeof buf)
        return ph_errf(err, PH_EINPUT, "practice history path too long");
    *out = strdup(buf);
    if (*out == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    return PH_OK;
}

enum ph_rc store_practice_begin(struct store *st, const struct store_practice_session *s,
                                long long *id, struct ph_err *err)
{
    static const char sql[] = "INSERT INTO practice_session (started_at, topic, minutes, voice) "
                              "VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;

    *id = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)s->started_at) != SQLITE_OK ||
        (s->topic != NULL ? sqlite3_bind_text(stmt, 2, s->topic, -1, SQLITE_STATIC)
                          : sqlite3_bind_null(stmt, 2)) != SQLITE_OK ||
        sqlite3_bind_double(stmt, 3, s->minutes) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 4, s->voice != 0) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_DONE) {
        rc = db_error(err, st->db, st->path, "recording a practice session");
        goto out;
    }
    *id = (long long)sqlite3_last_insert_rowid(st->db);
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

enum ph_rc store_practice_answer_put(struct store *st, long long id,
                                     const struct store_practice_answer *a, struct ph_err *err)
{
    static const char sql[] =
        "INSERT OR REPLACE INTO practice_answer (session_id, seq, question, topic, kind, "
        "answer, score, max, seconds_used, seconds_allowed, timed_out, scorer) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;

    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 2, a->seq) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, a->question, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, a->topic, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 5, a->kind, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 6, a->answer != NULL ? a->answer : "", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_double(stmt, 7, a->score) != SQLITE_OK ||
        sqlite3_bind_double(stmt, 8, a->max) != SQLITE_OK ||
        sqlite3_bind_double(stmt, 9, a->seconds_used) != SQLITE_OK ||
        sqlite3_bind_double(stmt, 10, a->seconds_allowed) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 11, a->timed_out != 0) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 12, a->scorer != NULL ? a->scorer : "", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_DONE) {
        rc = db_error(err, st->db, st->path, "recording a practice answer");
        goto out;
    }
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

enum ph_rc store_practice_end(struct store *st, long long id, int interrupted, struct ph_err *err)
{
    static const char sql[] =
        "UPDATE practice_session SET ended_at = ?2, interrupted = ?3 WHERE id = ?1";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;

    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 2, (sqlite3_int64)time(NULL)) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 3, interrupted != 0) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_DONE) {
        rc = db_error(err, st->db, st->path, "ending a practice session");
        goto out;
    }
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

static const char *col_text(sqlite3_stmt *stmt, int i)
{
    const unsigned char *t = sqlite3_column_text(stmt, i);

    return t != NULL ? (const char *)t : "";
}

enum ph_rc store_practice_each(struct store *st,
                               int (*fn)(void *arg, const struct store_practice_row *row),
                               void *arg, struct ph_err *err)
{
    static const char sql[] =
        "SELECT a.session_id, s.started_at, s.interrupted, a.question, a.topic, a.kind, a.score, "
        "a.max, a.seconds_used, a.seconds_allowed, a.timed_out FROM practice_answer a "
        "JOIN practice_session s ON s.id = a.session_id ORDER BY a.session_id, a.seq";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;
    int step;

    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = db_error(err, st->db, st->path, "reading the practice history");
        goto out;
    }
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_practice_row row;
        row.session = (long long)sqlite3_column_int64(stmt, 0);
        row.started_at = (long long)sqlite3_column_int64(stmt, 1);
        row.interrupted = sqlite3_column_int(stmt, 2);
        row.question = col_text(stmt, 3);
        row.topic = col_text(stmt, 4);
        row.kind = col_text(stmt, 5);
        row.score = sqlite3_column_double(stmt, 6);
        row.max = sqlite3_column_double(stmt, 7);
        row.seconds_used = sqlite3_column_double(stmt, 8);
        row.seconds_allowed = sqlite3_column_double(stmt, 9);
        row.timed_out = sqlite3_column_int(stmt, 10);
        if (fn(arg, &row) != 0) {
            rc = PH_OK;
            goto out;
        }
    }
    if (step != SQLITE_DONE) {
        rc = db_error(err, st->db, st->path, "reading the practice history");
        goto out;
    }
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}

/* ---- batch grading ---------------------------------------------------- */

enum ph_rc store_grade_put(struct store *st, const struct store_grade_row *row, struct ph_err *err)
{
    static const char sql[] =
        "INSERT OR REPLACE INTO grade_runs (student, exercise, exercise_sha256, "
        "submission_sha256, explanation_sha256, status, problem, wall_ns, cpu_ns, "
        "py_peak_bytes, rss_peak_bytes, correctness, performance, explanation, total, max, "
        "flagged, attempts, submitted_at, graded_at, grade_ns, shard, result_json, source) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
        "?18, ?19, ?20, ?21, ?22, ?23, ?24)";
    const char *text[7] = {row->student,
                           row->exercise,
                           row->exercise_sha256,
                           row->submission_sha256,
                           row->explanation_sha256,
                           row->status,
                           row->problem};
    const long long ints[4] = {row->wall_ns, row->cpu_ns, row->py_peak_bytes, row->rss_peak_bytes};
    const double reals[5] = {row->correctness, row->performance, row->explanation, row->total,
                             row->max};
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;
    int bad = 0, i;

    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        goto fail;
    for (i = 0; i < 7; i++)
        bad |= (text[i] ? sqlite3_bind_text(stmt, i + 1, text[i], -1, SQLITE_STATIC)
                        : sqlite3_bind_null(stmt, i + 1)) != SQLITE_OK;
    for (i = 0; i < 4; i++)
        bad |= sqlite3_bind_int64(stmt, 8 + i, (sqlite3_int64)ints[i]) != SQLITE_OK;
    for (i = 0; i < 5; i++)
        bad |= sqlite3_bind_double(stmt, 12 + i, reals[i]) != SQLITE_OK;
    bad |= sqlite3_bind_int(stmt, 17, row->flagged) != SQLITE_OK;
    bad |= sqlite3_bind_int(stmt, 18, row->attempts) != SQLITE_OK;
    bad |= sqlite3_bind_int64(stmt, 19, (sqlite3_int64)row->submitted_at) != SQLITE_OK;
    bad |= sqlite3_bind_int64(stmt, 20, (sqlite3_int64)row->graded_at) != SQLITE_OK;
    bad |= sqlite3_bind_int64(stmt, 21, (sqlite3_int64)row->grade_ns) != SQLITE_OK;
    bad |=
        sqlite3_bind_text(stmt, 22, row->shard ? row->shard : "", -1, SQLITE_STATIC) != SQLITE_OK;
    bad |= (row->result_json ? sqlite3_bind_text(stmt, 23, row->result_json, -1, SQLITE_STATIC)
                             : sqlite3_bind_null(stmt, 23)) != SQLITE_OK;
    bad |= (row->source ? sqlite3_bind_text(stmt, 24, row->source, -1, SQLITE_STATIC)
                        : sqlite3_bind_null(stmt, 24)) != SQLITE_OK;
    if (bad || sqlite3_step(stmt) != SQLITE_DONE)
        goto fail;
    rc = PH_OK;
    goto out;
fail:
    rc = db_error(err, st->db, st->path, "recording a graded part");
out:
    sqlite3_finalize(stmt);
    return rc;
}

enum ph_rc store_grade_hashes(struct store *st, const char *student, const char *exercise,
                              struct store_grade_hashes *out, struct ph_err *err)
{
    static const char sql[] =
        "SELECT exercise_sha256, submission_sha256, explanation_sha256, "
        "submitted_at, attempts FROM grade_runs WHERE student = ?1 AND exercise = ?2";
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_EIO;
    int step;

    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 1, student, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, exercise, -1, SQLITE_STATIC) != SQLITE_OK)
        goto fail;
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        char *dst[3] = {out->exercise_sha256, out->submission_sha256, out->explanation_sha256};
        for (int i = 0; i < 3; i++) {
            const unsigned char *t = sqlite3_column_text(stmt, i);
            snprintf(dst[i], STORE_HASH_HEX, "%s", t ? (const char *)t : "");
        }
        out->submitted_at = sqlite3_column_int64(stmt, 3);
        out->attempts = sqlite3_column_int(stmt, 4);
        out->found = 1;
    } else if (step != SQLITE_DONE) {
        goto fail;
    }
    rc = PH_OK;
    goto out;
fail:
    rc = db_error(err, st->db, st->path, "reading graded parts");
out:
    sqlite3_finalize(stmt);
    return rc;
}

static const char *col_text_or_null(sqlite3_stmt *stmt, int i)
{
    const unsigned char *t = sqlite3_column_text(stmt, i);
    return t ? (const char *)t : NULL;
}

enum ph_rc store_grade_each(struct store *st, store_grade_fn fn, void *arg, struct ph_err *err)
{
    static const char sql[] =
        "SELECT student, exercise, exercise_sha256, submission_sha256, explanation_sha256, "
        "status, problem, wall_ns, cpu_ns, py_peak_bytes, rss_peak_bytes, correctness, "
        "performance, explanation, total, max, flagged, attempts, submitted_at, graded_at, "
        "grade_ns, shard, result_json, source FROM grade_runs ORDER BY student, exercise";
    sqlite3_stmt *stmt = NULL;
    struct store_grade_row row;
    enum ph_rc rc = PH_EIO;
    int step;

    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        goto fail;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        memset(&row, 0, sizeof row);
        row.student = col_text_or_null(stmt, 0);
        row.exercise = col_text_or_null(stmt, 1);
        row.exercise_sha256 = col_text_or_null(stmt, 2);
        row.submission_sha256 = col_text_or_null(stmt, 3);
        row.explanation_sha256 = col_text_or_null(stmt, 4);
        row.status = col_text_or_null(stmt, 5);
        row.problem = col_text_or_null(stmt, 6);
        row.wall_ns = sqlite3_column_int64(stmt, 7);
        row.cpu_ns = sqlite3_column_int64(stmt, 8);
        row.py_peak_bytes = sqlite3_column_int64(stmt, 9);
        row.rss_peak_bytes = sqlite3_column_int64(stmt, 10);
        row.correctness = sqlite3_column_double(stmt, 11);
        row.performance = sqlite3_column_double(stmt, 12);
        row.explanation = sqlite3_column_double(stmt, 13);
        row.total = sqlite3_column_double(stmt, 14);
        row.max = sqlite3_column_double(stmt, 15);
        row.flagged = sqlite3_column_int(stmt, 16);
        row.attempts = sqlite3_column_int(stmt, 17);
        row.submitted_at = sqlite3_column_int64(stmt, 18);
        row.graded_at = sqlite3_column_int64(stmt, 19);
        row.grade_ns = sqlite3_column_int64(stmt, 20);
        row.shard = col_text_or_null(stmt, 21);
        row.result_json = col_text_or_null(stmt, 22);
        row.source = col_text_or_null(stmt, 23);
        if (row.student == NULL || row.exercise == NULL || row.status == NULL) {
            rc = ph_errf(err, PH_EINPUT,
                         "%s: a grade_runs row without student, exercise or "
                         "status",
                         st->path);
            goto out;
        }
        rc = fn(&row, arg, err);
        if (rc != PH_OK)
            goto out;
    }
    if (step != SQLITE_DONE)
        goto fail;
    rc = PH_OK;
    goto out;
fail:
    rc = db_error(err, st->db, st->path, "reading graded parts");
out:
    sqlite3_finalize(stmt);
    return rc;
}

enum ph_rc store_meta_set(struct store *st, const char *key, const char *value, struct ph_err *err)
{
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_OK;

    if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO grade_meta (key, value) VALUES (?1, ?2)",
                           -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_DONE)
        rc = db_error(err, st->db, st->path, "recording the assignment");
    sqlite3_finalize(stmt);
    return rc;
}

enum ph_rc store_meta_get(struct store *st, const char *key, char **out, struct ph_err *err)
{
    sqlite3_stmt *stmt = NULL;
    enum ph_rc rc = PH_OK;
    int step;

    *out = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM grade_meta WHERE key = ?1", -1, &stmt,
                           NULL) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = db_error(err, st->db, st->path, "reading the assignment");
        goto out;
    }
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        const char *t = col_text_or_null(stmt, 0);
        *out = strdup(t ? t : "");
        if (*out == NULL)
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
    } else if (step != SQLITE_DONE) {
        rc = db_error(err, st->db, st->path, "reading the assignment");
    }
out:
    sqlite3_finalize(stmt);
    return rc;
}
