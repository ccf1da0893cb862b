/*
 * store.c - see store.h.
 *
 * Schema changes are numbered migrations run in one IMMEDIATE transaction at
 * open, so two processes opening an old file at once cannot both migrate it.
 * The version lives in a one-row `schema_version` table rather than
 * PRAGMA user_version so that it is visible to anyone browsing the file.
 */
#include "store.h"

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
    *json_out = malloc((size_t)len + 1);
    if (*json_out == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: out of memory reading the LLM cache", st->path);
        goto out;
    }
    memcpy(*json_out, text, (size_t)len);
    (*json_out)[len] = '\0';
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
    *json_out = malloc((size_t)len + 1);
    if (*json_out == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: out of memory reading a run", st->path);
        goto out;
    }
    memcpy(*json_out, text, (size_t)len);
    (*json_out)[len] = '\0';
    rc = PH_OK;
out:
    sqlite3_finalize(stmt);
    return rc;
}
