/*
 * homework.c - see homework.h.
 *
 * Strict on purpose: an instructor's typo ("late_polcy", "points": "10")
 * must stop the run before a class is graded under the wrong rules, so every
 * key is known, every value typed and ranged, and the message names the
 * field as a path (`late_policy.cap_percent`).
 */
#include "homework.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "exercise.h"
#include "fileio.h"
#include "sha256.h"

#define SECONDS_PER_DAY 86400
#define ID_MAX 64 /* exercise ids become file names and CSV headers */

static const char *const vis_names[] = {"hidden", "after_due_date", "after_published", "visible"};
static const char *const show_names[] = {"never", "after_due_date", "always"};

const char *homework_vis_name(enum hw_visibility v)
{
    return (unsigned)v < 4 ? vis_names[v] : "hidden";
}

static int name_index(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* Unknown keys are errors: a misspelt key would silently change a grade. */
static enum ph_rc known_keys(const char *path, const char *where, const cJSON *obj,
                             const char *const *keys, struct ph_err *err)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, obj)
    {
        int ok = 0;
        for (const char *const *k = keys; *k != NULL; k++)
            if (strcmp(it->string, *k) == 0)
                ok = 1;
        if (!ok)
            return ph_errf(err, PH_EINPUT, "%s: %s%s%s: unknown key", path, where,
                           where[0] ? "." : "", it->string);
    }
    return PH_OK;
}

int homework_parse_time(const char *s, long long *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, oh = 0, om = 0;
    struct tm tm;
    const char *p;
    long long t;

    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return -1;
    p = s + n;
    if (*p == 'T' || *p == ' ') {
        int m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
            return -1;
        p += 1 + m;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &sec, &m) != 1 || m != 2)
                return -1;
            p += 1 + m;
            if (*p == '.') /* fractions of a second (Gradescope's metadata) */
                for (p++; *p >= '0' && *p <= '9'; p++)
                    ;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 ||
        sec < 0 || y < 1970)
        return -1;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5 || oh > 23 || om > 59)
            return -1;
        if (*p == '-') {
            oh = -oh;
            om = -om;
        }
        p += 1 + m;
    }
    if (*p != '\0')
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    t = (long long)timegm(&tm);
    *out = t - (long long)oh * 3600 - (long long)om * 60;
    return 0;
}

const char *homework_format_time(long long t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, cap, "%lld", t);
    return buf;
}

static enum ph_rc get_number(const char *path, const char *field, const cJSON *v, double lo,
                             double hi, double *out, struct ph_err *err)
{
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi)
        return ph_errf(err, PH_EINPUT, "%s: %s: must be a number from %g to %g", path, field, lo,
                       hi);
    *out = v->valuedouble;
    return PH_OK;
}

static enum ph_rc get_enum(const char *path, const char *field, const cJSON *v,
                           const char *const *names, int n, int *out, struct ph_err *err)
{
    int i = cJSON_IsString(v) ? name_index(v->valuestring, names, n) : -1;

    if (i < 0) {
        char list[256] = "";
        size_t used = 0;
        for (int k = 0; k < n && used < sizeof list; k++)
            used +=
                (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", names[k]);
        return ph_errf(err, PH_EINPUT, "%s: %s: must be one of %s", path, field, list);
    }
    *out = i;
    return PH_OK;
}

static int id_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > ID_MAX || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

static enum ph_rc parse_visibility(const char *path, const cJSON *v, struct homework *hw,
                                   struct ph_err *err)
{
    static const char *const keys[] = {"visible_checks", "hidden_checks", NULL};
    const cJSON *it;
    enum ph_rc rc;
    int e;

    if (!cJSON_IsObject(v))
        return ph_errf(err, PH_EINPUT, "%s: visibility: must be an object", path);
    rc = known_keys(path, "visibility", v, keys, err);
    if (rc != PH_OK)
        return rc;
    it = cJSON_GetObjectItemCaseSensitive(v, "visible_checks");
    if (it != NULL) {
        rc = get_enum(path, "visibility.visible_checks", it, vis_names, 4, &e, err);
        if (rc != PH_OK)
            return rc;
        hw->vis_visible = (enum hw_visibility)e;
    }
    it = cJSON_GetObjectItemCaseSensitive(v, "hidden_checks");
    if (it != NULL) {
        rc = get_enum(path, "visibility.hidden_checks", it, vis_names, 4, &e, err);
        if (rc != PH_OK)
            return rc;
        hw->vis_hidden = (enum hw_visibility)e;
    }
    return PH_OK;
}

static enum ph_rc parse_late(const char *path, const cJSON *v, struct homework *hw,
                             struct ph_err *err)
{
    static const char *const keys[] = {"percent_per_day", "cap_percent", "grace_minutes", NULL};
    const cJSON *it;
    double g = 0;
    enum ph_rc rc;

    if (!cJSON_IsObject(v))
        return ph_errf(err, PH_EINPUT, "%s: late_policy: must be an object", path);
    rc = known_keys(path, "late_policy", v, keys, err);
    if (rc != PH_OK)
        return rc;
    it = cJSON_GetObjectItemCaseSensitive(v, "percent_per_day");
    if (it == NULL)
        return ph_errf(err, PH_EINPUT, "%s: late_policy.percent_per_day: missing", path);
    rc =
        get_number(path, "late_policy.percent_per_day", it, 0, 100, &hw->late_percent_per_day, err);
    if (rc != PH_OK)
        return rc;
    hw->late_cap_percent = 100;
    it = cJSON_GetObjectItemCaseSensitive(v, "cap_percent");
    if (it != NULL) {
        rc = get_number(path, "late_policy.cap_percent", it, 0, 100, &hw->late_cap_percent, err);
        if (rc != PH_OK)
            return rc;
    }
    it = cJSON_GetObjectItemCaseSensitive(v, "grace_minutes");
    if (it != NULL) {
        rc = get_number(path, "late_policy.grace_minutes", it, 0, 60 * 24 * 365, &g, err);
        if (rc != PH_OK)
            return rc;
        hw->grace_s = (long long)(g * 60);
    }
    return PH_OK;
}

static enum ph_rc parse_exercise(const char *path, const char *dir, size_t i, const cJSON *v,
                                 struct hw_exercise *out, struct ph_err *err)
{
    static const char *const keys[] = {"id",         "folder",       "points",
                                       "visibility", "model_answer", NULL};
    char where[64], field[160], abs[PATH_MAX];
    const cJSON *it;
    enum ph_rc rc;
    int e;

    snprintf(where, sizeof where, "exercises[%zu]", i);
    out->model_answer = -1;
    if (!cJSON_IsObject(v))
        return ph_errf(err, PH_EINPUT, "%s: %s: must be an object", path, where);
    rc = known_keys(path, where, v, keys, err);
    if (rc != PH_OK)
        return rc;
    it = cJSON_GetObjectItemCaseSensitive(v, "id");
    if (!cJSON_IsString(it) || !id_ok(it->valuestring))
        return ph_errf(err, PH_EINPUT,
                       "%s: %s.id: must be an exercise id (letters, digits, '-', '_', '.', at "
                       "most %d characters)",
                       path, where, ID_MAX);
    out->id = strdup(it->valuestring);
    it = cJSON_GetObjectItemCaseSensitive(v, "folder");
    if (it != NULL) {
        if (!cJSON_IsString(it) || it->valuestring[0] == '\0')
            return ph_errf(err, PH_EINPUT, "%s: %s.folder: must be a folder path", path, where);
        if (it->valuestring[0] == '/')
            snprintf(abs, sizeof abs, "%s", it->valuestring);
        else
            snprintf(abs, sizeof abs, "%s/%s", dir, it->valuestring);
        out->folder = strdup(abs);
        if (out->folder == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    it = cJSON_GetObjectItemCaseSensitive(v, "points");
    if (it == NULL)
        return ph_errf(err, PH_EINPUT, "%s: %s.points: missing", path, where);
    snprintf(field, sizeof field, "%s.points", where);
    rc = get_number(path, field, it, 0.01, 10000, &out->points, err);
    if (rc != PH_OK)
        return rc;
    it = cJSON_GetObjectItemCaseSensitive(v, "model_answer");
    if (it != NULL) {
        snprintf(field, sizeof field, "%s.model_answer", where);
        rc = get_enum(path, field, it, show_names, 3, &e, err);
        if (rc != PH_OK)
            return rc;
        out->model_answer = e;
    }
    it = cJSON_GetObjectItemCaseSensitive(v, "visibility");
    if (it != NULL) {
        const cJSON *c;
        size_t k = 0;
        if (!cJSON_IsObject(it))
            return ph_errf(err, PH_EINPUT,
                           "%s: %s.visibility: must be an object of check name -> level", path,
                           where);
        out->nvis = (size_t)cJSON_GetArraySize(it);
        out->vis = calloc(out->nvis ? out->nvis : 1, sizeof *out->vis);
        if (out->vis == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        cJSON_ArrayForEach(c, it)
        {
            snprintf(field, sizeof field, "%s.visibility.%s", where, c->string);
            rc = get_enum(path, field, c, vis_names, 4, &e, err);
            if (rc != PH_OK)
                return rc;
            out->vis[k].check = strdup(c->string);
            out->vis[k].vis = (enum hw_visibility)e;
            k++;
        }
    }
    if (out->id == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    return PH_OK;
}

static enum ph_rc parse_limits(const char *path, const cJSON *v, struct homework *hw,
                               struct ph_err *err)
{
    static const char *const keys[] = {"wall_s", "memory_mb", "$comment", NULL};
    const cJSON *it;
    double d = 0;
    enum ph_rc rc;

    if (!cJSON_IsObject(v))
        return ph_errf(err, PH_EINPUT,
                       "%s: submission_limits: must be an object such as {\"wall_s\": 10, "
                       "\"memory_mb\": 256}",
                       path);
    rc = known_keys(path, "submission_limits", v, keys, err);
    if (rc != PH_OK)
        return rc;
    it = cJSON_GetObjectItemCaseSensitive(v, "wall_s");
    if (it != NULL) {
        rc = get_number(path, "submission_limits.wall_s", it, 0.1, 3600, &d, err);
        if (rc != PH_OK)
            return rc;
        hw->limit_wall_s = d;
    }
    it = cJSON_GetObjectItemCaseSensitive(v, "memory_mb");
    if (it != NULL) {
        rc = get_number(path, "submission_limits.memory_mb", it, 1, 65536, &d, err);
        if (rc != PH_OK)
            return rc;
        hw->limit_memory_bytes = (size_t)(d * 1024 * 1024);
    }
    return PH_OK;
}

enum ph_rc homework_parse(const char *path, const char *dir, const char *text,
                          struct homework **out, struct ph_err *err)
{
    static const char *const keys[] = {"name",
                                       "due",
                                       "late_policy",
                                       "visibility",
                                       "model_answer",
                                       "submission_budget",
                                       "max_file_kb",
                                       "exercises",
                                       "$comment",
                                       "submission_limits",
                                       NULL};
    struct homework *hw = NULL;
    cJSON *root = NULL;
    const cJSON *it;
    const char *parse_end = NULL;
    enum ph_rc rc = PH_ENOMEM;
    double d = 0;
    int e;

    *out = NULL;
    hw = calloc(1, sizeof *hw);
    if (hw == NULL)
        goto fail_nomem;
    hw->path = strdup(path);
    hw->dir = strdup(dir);
    hw->text = strdup(text);
    if (hw->path == NULL || hw->dir == NULL || hw->text == NULL)
        goto fail_nomem;
    sha256_hex(text, strlen(text), hw->sha256);
    hw->vis_visible = HW_VIS_VISIBLE;
    hw->vis_hidden = HW_VIS_AFTER_DUE_DATE;
    hw->model_answer = HW_SHOW_AFTER_DUE_DATE;
    hw->max_file_bytes = (size_t)HOMEWORK_FILE_KB_DEFAULT * 1024;
    root = cJSON_ParseWithOpts(text, &parse_end, 0);
    if (root == NULL) {
        /* Where the parser stopped, as an editor counts: line and column. */
        int line = 1, col = 1;
        for (const char *q = text; parse_end != NULL && q < parse_end && *q; q++, col++)
            if (*q == '\n') {
                line++;
                col = 0;
            }
        rc = ph_errf(err, PH_EINPUT, "%s: not valid JSON (line %d, column %d)", path, line, col);
        goto fail;
    }
    if (!cJSON_IsObject(root)) {
        rc = ph_errf(err, PH_EINPUT, "%s: not a JSON object", path);
        goto fail;
    }
    rc = known_keys(path, "", root, keys, err);
    if (rc != PH_OK)
        goto fail;
    it = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (!cJSON_IsString(it) || it->valuestring[0] == '\0' || strlen(it->valuestring) > 200) {
        rc = ph_errf(err, PH_EINPUT, "%s: name: must be a non-empty string (at most 200 bytes)",
                     path);
        goto fail;
    }
    hw->name = strdup(it->valuestring);
    if (hw->name == NULL)
        goto fail_nomem;
    it = cJSON_GetObjectItemCaseSensitive(root, "due");
    if (!cJSON_IsString(it) || homework_parse_time(it->valuestring, &hw->due) != 0) {
        rc = ph_errf(err, PH_EINPUT,
                     "%s: due: must be a date and time such as \"2026-11-20T23:59:00Z\"", path);
        goto fail;
    }
    it = cJSON_GetObjectItemCaseSensitive(root, "late_policy");
    if (it != NULL) {
        rc = parse_late(path, it, hw, err);
        if (rc != PH_OK)
            goto fail;
    }
    it = cJSON_GetObjectItemCaseSensitive(root, "visibility");
    if (it != NULL) {
        rc = parse_visibility(path, it, hw, err);
        if (rc != PH_OK)
            goto fail;
    }
    it = cJSON_GetObjectItemCaseSensitive(root, "model_answer");
    if (it != NULL) {
        rc = get_enum(path, "model_answer", it, show_names, 3, &e, err);
        if (rc != PH_OK)
            goto fail;
        hw->model_answer = (enum hw_show)e;
    }
    it = cJSON_GetObjectItemCaseSensitive(root, "submission_budget");
    if (it != NULL) {
        rc = get_number(path, "submission_budget", it, 0, 10000, &d, err);
        if (rc == PH_OK && d != floor(d))
            rc = ph_errf(err, PH_EINPUT, "%s: submission_budget: must be a whole number", path);
        if (rc != PH_OK)
            goto fail;
        hw->budget = (int)d;
    }
    it = cJSON_GetObjectItemCaseSensitive(root, "submission_limits");
    if (it != NULL) {
        rc = parse_limits(path, it, hw, err);
        if (rc != PH_OK)
            goto fail;
    }
    it = cJSON_GetObjectItemCaseSensitive(root, "max_file_kb");
    if (it != NULL) {
        rc = get_number(path, "max_file_kb", it, 1, HOMEWORK_FILE_KB_MAX, &d, err);
        if (rc == PH_OK && d != floor(d))
            rc = ph_errf(err, PH_EINPUT, "%s: max_file_kb: must be a whole number", path);
        if (rc != PH_OK)
            goto fail;
        hw->max_file_bytes = (size_t)d * 1024;
    }
    it = cJSON_GetObjectItemCaseSensitive(root, "exercises");
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < 1 ||
        cJSON_GetArraySize(it) > HOMEWORK_EXERCISES_MAX) {
        rc = ph_errf(err, PH_EINPUT, "%s: exercises: must be an array of 1 to %d exercises", path,
                     HOMEWORK_EXERCISES_MAX);
        goto fail;
    }
    hw->nex = (size_t)cJSON_GetArraySize(it);
    hw->ex = calloc(hw->nex, sizeof *hw->ex);
    if (hw->ex == NULL)
        goto fail_nomem;
    for (size_t i = 0; i < hw->nex; i++) {
        rc = parse_exercise(path, dir, i, cJSON_GetArrayItem(it, (int)i), &hw->ex[i], err);
        if (rc != PH_OK)
            goto fail;
        for (size_t j = 0; j < i; j++)
            if (strcmp(hw->ex[j].id, hw->ex[i].id) == 0) {
                rc = ph_errf(err, PH_EINPUT,
                             "%s: exercises[%zu].id: \"%s\" is already exercises[%zu]", path, i,
                             hw->ex[i].id, j);
                goto fail;
            }
    }
    cJSON_Delete(root);
    *out = hw;
    return PH_OK;
fail_nomem:
    rc = ph_errf(err, PH_ENOMEM, "%s: out of memory", path);
fail:
    cJSON_Delete(root);
    homework_free(hw);
    return rc;
}

enum ph_rc homework_load(const char *path, struct homework **out, struct ph_err *err)
{
    char *text = NULL, dir[PATH_MAX], real[PATH_MAX];
    size_t len = 0;
    enum ph_rc rc;
    char *slash;

    *out = NULL;
    if (fileio_is_dir(path))
        return ph_errf(err, PH_EINPUT, "%s: is a folder, expected homework.json", path);
    rc = fileio_read(path, HOMEWORK_JSON_MAX, &text, &len, err);
    if (rc != PH_OK)
        return rc == PH_ELIMIT || rc == PH_EIO ? ph_errf(err, PH_EINPUT, "%s", err->msg) : rc;
    if (realpath(path, real) == NULL)
        snprintf(real, sizeof real, "%s", path);
    snprintf(dir, sizeof dir, "%s", real);
    slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (strlen(text) != len) {
        free(text);
        return ph_errf(err, PH_EINPUT, "%s: holds a NUL byte", path);
    }
    rc = homework_parse(path, dir, text, out, err);
    free(text);
    return rc;
}

/* The exercise's identity for regrading: the files that decide a grade. */
static enum ph_rc hash_exercise(const char *dir, const struct homework *hw, char out[65],
                                struct ph_err *err)
{
    static const char *const files[] = {"exercise.json", "checks.py", "reference.py",
                                        "baseline.py"};
    struct sha256_ctx c;
    unsigned char d[SHA256_DIGEST_LEN];
    char path[PATH_MAX];

    sha256_init(&c);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *text = NULL;
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (!fileio_is_file(path))
            continue;
        if (fileio_read(path, EXERCISE_FILE_MAX, &text, &len, err) != PH_OK)
            return err->rc;
        sha256_update(&c, files[i], strlen(files[i]) + 1);
        sha256_update(&c, text, len);
        free(text);
    }
    /* Changing the budget changes how the exercise is graded: its column is
     * graded again.  Without limits the hash is the files' alone. */
    if (hw->limit_wall_s > 0 || hw->limit_memory_bytes > 0) {
        char lim[96];
        int n = snprintf(lim, sizeof lim, "submission_limits %.3f %zu", hw->limit_wall_s,
                         hw->limit_memory_bytes);
        sha256_update(&c, lim, (size_t)n + 1);
    }
    sha256_final(&c, d);
    for (int i = 0; i < SHA256_DIGEST_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    return PH_OK;
}

const char *homework_budget_stop(const struct homework *hw, size_t i, const char *verdict,
                                 char *buf, size_t cap)
{
    const struct hw_exercise *e = &hw->ex[i];

    if (verdict == NULL)
        return NULL;
    if (strcmp(verdict, "timeout") == 0 && hw->limit_wall_s > 0 &&
        hw->limit_wall_s < e->own_wall_s) {
        snprintf(buf, cap,
                 "stopped: over this assignment's budget of %g s per submission (the exercise "
                 "itself allows %g s)",
                 hw->limit_wall_s, e->own_wall_s);
        return buf;
    }
    if (strcmp(verdict, "memory_limit") == 0 && hw->limit_memory_bytes > 0 &&
        hw->limit_memory_bytes < e->own_memory_bytes) {
        snprintf(buf, cap,
                 "stopped: over this assignment's budget of %.0f MB of memory per submission "
                 "(the exercise itself allows %.0f MB)",
                 (double)hw->limit_memory_bytes / 1048576, (double)e->own_memory_bytes / 1048576);
        return buf;
    }
    return NULL;
}

enum ph_rc homework_load_exercises(struct homework *hw, const char *exercises_dir,
                                   struct ph_err *err)
{
    for (size_t i = 0; i < hw->nex; i++) {
        struct hw_exercise *e = &hw->ex[i];
        char *dir = NULL;
        enum ph_rc rc;

        if (e->folder != NULL) {
            if (!fileio_is_dir(e->folder))
                return ph_errf(err, PH_EINPUT, "%s: exercises[%zu].folder: %s is not a folder",
                               hw->path, i, e->folder);
            rc = exercise_resolve(e->folder, exercises_dir, &dir, err);
        } else {
            rc = exercise_resolve(e->id, exercises_dir, &dir, err);
        }
        if (rc != PH_OK) {
            char msg[PH_ERR_MSG_MAX];
            snprintf(msg, sizeof msg, "%s", err->msg);
            return ph_errf(err, PH_EINPUT, "%s: exercises[%zu]: %s", hw->path, i, msg);
        }
        rc = exercise_load(dir, &e->ex, err);
        if (rc == PH_OK)
            rc = hash_exercise(dir, hw, e->sha256, err);
        free(dir);
        if (rc != PH_OK)
            return rc;
        /* The assignment's budget per submission: the sandbox enforces the
         * exercise's limits, so lower them (never raise them). */
        e->own_wall_s = e->ex->limits.wall_s;
        e->own_memory_bytes = e->ex->limits.memory_bytes;
        if (hw->limit_wall_s > 0 && hw->limit_wall_s < e->ex->limits.wall_s)
            e->ex->limits.wall_s = hw->limit_wall_s;
        if (hw->limit_wall_s > 0 && hw->limit_wall_s < e->ex->limits.cpu_s)
            e->ex->limits.cpu_s = hw->limit_wall_s;
        if (hw->limit_memory_bytes > 0 && hw->limit_memory_bytes < e->ex->limits.memory_bytes)
            e->ex->limits.memory_bytes = hw->limit_memory_bytes;
        for (size_t k = 0; k < e->nvis; k++)
            if (exercise_find_check(e->ex, e->vis[k].check) < 0)
                return ph_errf(err, PH_EINPUT,
                               "%s: exercises[%zu].visibility.%s: exercise %s has no such check",
                               hw->path, i, e->vis[k].check, e->ex->id);
    }
    return PH_OK;
}

void homework_free(struct homework *hw)
{
    if (hw == NULL)
        return;
    for (size_t i = 0; i < hw->nex; i++) {
        free(hw->ex[i].id);
        free(hw->ex[i].folder);
        for (size_t k = 0; k < hw->ex[i].nvis; k++)
            free(hw->ex[i].vis[k].check);
        free(hw->ex[i].vis);
        exercise_free(hw->ex[i].ex);
    }
    free(hw->ex);
    free(hw->name);
    free(hw->path);
    free(hw->dir);
    free(hw->text);
    free(hw);
}

enum hw_visibility homework_check_vis(const struct homework *hw, size_t i, const char *name,
                                      int hidden_in_exercise)
{
    const struct hw_exercise *e = &hw->ex[i];

    for (size_t k = 0; k < e->nvis; k++)
        if (strcmp(e->vis[k].check, name) == 0)
            return e->vis[k].vis;
    return hidden_in_exercise ? hw->vis_hidden : hw->vis_visible;
}

int homework_vis_shown(const struct homework *hw, enum hw_visibility vis, long long now,
                       int published)
{
    switch (vis) {
    case HW_VIS_VISIBLE:
        return 1;
    case HW_VIS_AFTER_DUE_DATE:
        return now >= hw->due;
    case HW_VIS_AFTER_PUBLISHED:
        return published;
    case HW_VIS_HIDDEN:
        break;
    }
    return 0;
}

int homework_model_answer_shown(const struct homework *hw, size_t i, long long now)
{
    int m = hw->ex[i].model_answer >= 0 ? hw->ex[i].model_answer : (int)hw->model_answer;

    return m == HW_SHOW_ALWAYS || (m == HW_SHOW_AFTER_DUE_DATE && now >= hw->due);
}

double homework_late_percent(const struct homework *hw, long long submitted_at, int *days_late)
{
    long long over = submitted_at - hw->due - hw->grace_s;
    double pct;
    long long days;

    *days_late = 0;
    if (submitted_at <= 0 || over <= 0)
        return 0;
    /* Any part of a day counts as a day, as most syllabi word it. */
    days = (over + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY;
    *days_late = days > INT_MAX ? INT_MAX : (int)days;
    pct = hw->late_percent_per_day * (double)days;
    return pct > hw->late_cap_percent ? hw->late_cap_percent : pct;
}
