/*
 * submissions.c - see submissions.h.
 *
 * Files are read here, once, and the bytes screened here are the bytes the
 * engine grades and the store hashes.  Names are matched exactly
 * (`<id>.py`); a near miss (other case, a stray .py) is reported to the
 * student rather than guessed at, so that two students never get different
 * treatment for the same mistake.
 */
#include "submissions.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fileio.h"
#include "homework.h"
#include "zipfile.h"

#define FILES_MAX 256            /* files looked at per student */
#define MANIFEST_MAX (16u << 20) /* a CSV for a large class, not a data set */
#define DEPTH_MAX 3              /* zips and LMS exports nest a folder or two */

/* A file found for a student, before matching. */
struct found {
    char *name; /* base name */
    char *data;
    size_t len;
    int too_big, bad;
    long long mtime;
};

struct found_list {
    struct found f[FILES_MAX];
    size_t n;
    int overflow;
};

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *dupf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* found.bad: 1 unreadable, FOUND_LINK a symbolic link (never followed). */
#define FOUND_LINK 2

static void found_free(struct found_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->f[i].name);
        free(l->f[i].data);
    }
    l->n = 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int ignored_name(const char *name)
{
    return name[0] == '.' || strcmp(name, "__MACOSX") == 0 || strcmp(name, "__pycache__") == 0;
}

static void add_found(struct found_list *l, const char *name, char *data, size_t len, int too_big,
                      int bad, long long mtime)
{
    if (l->n >= FILES_MAX) {
        l->overflow = 1;
        free(data);
        return;
    }
    l->f[l->n].name = strdup(name);
    l->f[l->n].data = data;
    l->f[l->n].len = len;
    l->f[l->n].too_big = too_big;
    l->f[l->n].bad = bad;
    l->f[l->n].mtime = mtime;
    l->n++;
}

static void scan_folder(const char *dir, int depth, size_t cap, struct found_list *l)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        char path[PATH_MAX];
        struct stat sb;
        if (ignored_name(de->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (lstat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            if (depth < DEPTH_MAX)
                scan_folder(path, depth + 1, cap, l);
        } else if (S_ISLNK(sb.st_mode)) {
            /* Not followed (a student's folder must not point the grader at
             * files outside it), but named: the student is told why. */
            add_found(l, de->d_name, NULL, 0, 0, FOUND_LINK, (long long)sb.st_mtime);
        } else if (S_ISREG(sb.st_mode)) {
            char *data = NULL;
            size_t len = 0;
            struct ph_err e = {0};
            int too_big = (size_t)sb.st_size > cap, bad = 0;
            if (!too_big && fileio_read(path, cap, &data, &len, &e) != PH_OK) {
                bad = e.rc != PH_ELIMIT;
                too_big = e.rc == PH_ELIMIT;
                data = NULL;
            }
            add_found(l, de->d_name, data, too_big ? (size_t)sb.st_size : len, too_big, bad,
                      (long long)sb.st_mtime);
        }
    }
    closedir(d);
}

static char *scan_zip(const char *path, size_t cap, struct found_list *l)
{
    struct zipfile_entry *ents = NULL;
    struct ph_err e = {0};
    struct stat sb;
    size_t n = 0;
    long long mtime = stat(path, &sb) == 0 ? (long long)sb.st_mtime : 0;

    if (zipfile_read(path, cap, &ents, &n, &e) != PH_OK)
        return dupf("%s: cannot be read as a zip (%s): nothing in it was graded", base_name(path),
                    e.msg);
    for (size_t i = 0; i < n; i++) {
        const char *b = base_name(ents[i].name);
        if (ents[i].is_dir || b[0] == '\0' || ignored_name(b) ||
            strncmp(ents[i].name, "__MACOSX/", 9) == 0)
            continue;
        add_found(l, b, ents[i].data, ents[i].len, ents[i].too_big, ents[i].bad, mtime);
        ents[i].data = NULL;
    }
    zipfile_entries_free(ents, n);
    return NULL;
}

static int only_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Screen one file's bytes: NULL when fine, else the student's message. */
static char *screen(const struct found *f, const char *want, size_t cap)
{
    long bad;

    if (f->bad == FOUND_LINK)
        return dupf("%s: is a symbolic link, which is not followed: submit the file itself", want);
    if (f->bad)
        return dupf("%s: could not be read (corrupt or unsupported in the zip)", want);
    if (f->too_big)
        return dupf("%s: %zu KiB, over this assignment's limit of %zu KiB: not graded", want,
                    (f->len + 1023) / 1024, cap / 1024);
    if (f->len == 0 || only_space(f->data, f->len))
        return dupf("%s: the file is empty", want);
    bad = fileio_utf8_invalid_at(f->data, f->len);
    if (bad >= 0)
        return dupf("%s: not UTF-8 text (first bad byte at offset %ld): save it as UTF-8", want,
                    bad);
    if (strlen(f->data) != f->len)
        return dupf("%s: holds a NUL byte: not a text file", want);
    return NULL;
}

static struct found *find_exact(struct found_list *l, const char *want, int *dups)
{
    struct found *hit = NULL;

    *dups = 0;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->f[i].name, want) == 0) {
            if (hit != NULL)
                (*dups)++;
            else
                hit = &l->f[i];
        }
    return hit;
}

/* Files that are .py but name no exercise: the likely misnamed ones. */
static void stray_py(const struct homework *hw, struct found_list *l, char *buf, size_t cap)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        const char *n = l->f[i].name;
        size_t len = strlen(n);
        int known = 0;
        if (len < 3 || strcmp(n + len - 3, ".py") != 0)
            continue;
        for (size_t k = 0; k < hw->nex; k++)
            if (strlen(hw->ex[k].id) + 3 == len && strncmp(n, hw->ex[k].id, len - 3) == 0)
                known = 1;
        if (!known && used < cap)
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", n);
    }
}

static void match_student(const struct homework *hw, struct found_list *l, struct subs_student *s)
{
    char stray[512];

    stray_py(hw, l, stray, sizeof stray);
    for (size_t k = 0; k < hw->nex; k++) {
        struct subs_part *p = &s->parts[k];
        char want[160], wantmd[160];
        struct found *f;
        int dups = 0;

        snprintf(want, sizeof want, "%s.py", hw->ex[k].id);
        snprintf(wantmd, sizeof wantmd, "%s.md", hw->ex[k].id);
        p->attempts = 1;
        f = find_exact(l, want, &dups);
        if (f == NULL) {
            const char *near = NULL;
            for (size_t i = 0; i < l->n; i++)
                if (strcasecmp(l->f[i].name, want) == 0)
                    near = l->f[i].name;
            p->status = "missing";
            p->attempts = 0;
            if (near != NULL)
                p->problem = dupf("%s: not found; %s was submitted, but names are "
                                  "case-sensitive: rename it to %s",
                                  want, near, want);
            else if (stray[0] != '\0')
                p->problem = dupf("%s: not found; submitted %s, which names no exercise of this "
                                  "assignment: the file for this exercise must be named %s",
                                  want, stray, want);
            else
                p->problem = dupf("%s: not submitted", want);
        } else {
            p->submitted_at = f->mtime;
            p->problem = screen(f, want, hw->max_file_bytes);
            if (p->problem != NULL) {
                p->status = "invalid";
            } else {
                p->code = f->data;
                p->code_len = f->len;
                f->data = NULL;
                if (dups > 0)
                    p->problem = dupf("%s: %d more files of that name were found (zip "
                                      "folders); the first one was graded",
                                      want, dups);
            }
        }
        f = find_exact(l, wantmd, &dups);
        if (f != NULL) {
            if (f->mtime > p->submitted_at)
                p->submitted_at = f->mtime;
            p->expl_problem = screen(f, wantmd, SUBS_EXPLANATION_MAX);
            if (p->expl_problem == NULL) {
                p->expl = f->data;
                p->expl_len = f->len;
                f->data = NULL;
            }
        }
    }
}

static int cmp_student(const void *a, const void *b)
{
    return strcmp(((const struct subs_student *)a)->id, ((const struct subs_student *)b)->id);
}

static enum ph_rc add_warning(struct subs_class *c, char *msg, struct ph_err *err)
{
    char **w;

    if (msg == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    w = realloc(c->warnings, (c->nwarnings + 1) * sizeof *w);
    if (w == NULL) {
        free(msg);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    c->warnings = w;
    c->warnings[c->nwarnings++] = msg;
    return PH_OK;
}

static enum ph_rc add_student(const struct homework *hw, struct subs_class *c, const char *id,
                              const char *origin, struct found_list *l, char *zip_problem,
                              struct ph_err *err)
{
    struct subs_student *s;

    if (c->n >= SUBS_STUDENTS_MAX) {
        free(zip_problem);
        return ph_errf(err, PH_ELIMIT, "%s: more than %d students", origin, SUBS_STUDENTS_MAX);
    }
    s = realloc(c->st, (c->n + 1) * sizeof *s);
    if (s == NULL) {
        free(zip_problem);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    c->st = s;
    s = &c->st[c->n];
    memset(s, 0, sizeof *s);
    s->id = strdup(id);
    s->origin = strdup(origin);
    s->parts = calloc(hw->nex, sizeof *s->parts);
    c->n++;
    if (s->id == NULL || s->origin == NULL || s->parts == NULL) {
        free(zip_problem);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    match_student(hw, l, s);
    if (zip_problem != NULL) {
        /* The zip itself is unreadable: say so on every part. */
        for (size_t k = 0; k < hw->nex; k++) {
            free(s->parts[k].problem);
            s->parts[k].problem = strdup(zip_problem);
            s->parts[k].status = "invalid";
        }
        free(zip_problem);
    }
    if (l->overflow)
        return add_warning(
            c, dupf("%s: more than %d files; only the first were looked at", origin, FILES_MAX),
            err);
    return PH_OK;
}

/* ---- manifest ------------------------------------------------------------ */

/* Split one CSV record (RFC 4180 quotes) in place; returns the field count. */
static int csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line, *w;

    while (n < max) {
        fields[n++] = w = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0')
                    break;
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p != ',' && *p != '\0')
                p++;
        } else {
            while (*p != ',' && *p != '\0')
                *w++ = *p++;
        }
        if (*p == ',') {
            *w = '\0';
            p++;
        } else {
            *w = '\0';
            break;
        }
    }
    for (int i = 0; i < n; i++) {
        char *s = fields[i];
        size_t len = strlen(s);
        while (len > 0 && isspace((unsigned char)s[len - 1]))
            s[--len] = '\0';
        while (isspace((unsigned char)*s))
            s++;
        fields[i] = s;
    }
    return n;
}

static enum ph_rc apply_manifest(const struct homework *hw, struct subs_class *c, const char *path,
                                 struct ph_err *err)
{
    char *text = NULL, *line, *next;
    size_t len = 0, lineno = 0;
    int col[3] = {-1, -1, -1};
    int *seen = NULL;
    enum ph_rc rc;

    rc = fileio_read(path, MANIFEST_MAX, &text, &len, err);
    if (rc != PH_OK)
        return ph_errf(err, PH_EINPUT, "%s", err->msg);
    seen = calloc(c->n * hw->nex + 1, sizeof *seen);
    if (seen == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    for (line = text; line != NULL && *line != '\0'; line = next) {
        char *f[16];
        int nf;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        if (line[0] != '\0' && line[strlen(line) - 1] == '\r')
            line[strlen(line) - 1] = '\0';
        if (only_space(line, strlen(line)))
            continue;
        nf = csv_split(line, f, 16);
        if (col[0] < 0) {
            static const char *const names[3] = {"student", "file", "submitted_at"};
            for (int i = 0; i < nf; i++)
                for (int k = 0; k < 3; k++)
                    if (strcasecmp(f[i], names[k]) == 0)
                        col[k] = i;
            for (int k = 0; k < 3; k++)
                if (col[k] < 0) {
                    rc = ph_errf(err, PH_EINPUT,
                                 "%s:1: the header must name the columns student, file and "
                                 "submitted_at (missing %s)",
                                 path, names[k]);
                    goto out;
                }
            continue;
        }
        if (nf <= col[0] || nf <= col[1] || nf <= col[2]) {
            rc = ph_errf(err, PH_EINPUT, "%s:%zu: expected student, file and submitted_at", path,
                         lineno);
            goto out;
        }
        long long t;
        if (homework_parse_time(f[col[2]], &t) != 0) {
            rc = ph_errf(err, PH_EINPUT,
                         "%s:%zu: submitted_at: \"%s\" is not a time such as "
                         "2026-11-20T23:59:00Z",
                         path, lineno, f[col[2]]);
            goto out;
        }
        size_t s;
        for (s = 0; s < c->n; s++)
            if (strcmp(c->st[s].id, f[col[0]]) == 0)
                break;
        if (s == c->n) {
            char *w =
                dupf("%s:%zu: student %s has no submission in the folder", path, lineno, f[col[0]]);
            rc = add_warning(c, w, err);
            if (rc != PH_OK)
                goto out;
            continue;
        }
        const char *b = base_name(f[col[1]]);
        size_t blen = strlen(b);
        for (size_t k = 0; k < hw->nex; k++) {
            size_t idl = strlen(hw->ex[k].id);
            struct subs_part *p = &c->st[s].parts[k];
            if (blen != idl + 3 || strncmp(b, hw->ex[k].id, idl) != 0 ||
                (strcmp(b + idl, ".py") != 0 && strcmp(b + idl, ".md") != 0))
                continue;
            /* The manifest is the authority: the first row replaces the file time. */
            if (!seen[s * hw->nex + k]) {
                p->submitted_at = 0;
                if (p->status == NULL)
                    p->attempts = 0;
            }
            seen[s * hw->nex + k] = 1;
            if (t > p->submitted_at)
                p->submitted_at = t;
            if (strcmp(b + idl, ".py") == 0)
                p->attempts++;
        }
    }
    if (col[0] < 0)
        rc = ph_errf(err, PH_EINPUT, "%s: empty manifest", path);
out:
    free(seen);
    free(text);
    return rc;
}

static int is_exercise_file(const struct homework *hw, const char *name)
{
    size_t len = strlen(name);

    for (size_t k = 0; k < hw->nex; k++) {
        size_t idl = strlen(hw->ex[k].id);
        if (len == idl + 3 && strncmp(name, hw->ex[k].id, idl) == 0 &&
            (strcmp(name + idl, ".py") == 0 || strcmp(name + idl, ".md") == 0))
            return 1;
    }
    return 0;
}

enum ph_rc subs_scan(const struct homework *hw, const char *dir, const struct subs_opts *opts,
                     struct subs_class **out, struct ph_err *err)
{
    struct subs_class *c = NULL;
    struct found_list *l = NULL;
    struct dirent **names = NULL;
    char manifest[PATH_MAX];
    const char *mpath = opts->manifest;
    int nn = -1, single = opts->single;
    enum ph_rc rc = PH_ENOMEM;
    size_t cap = hw->max_file_bytes;

    *out = NULL;
    if (!fileio_is_dir(dir))
        return ph_errf(err, PH_EINPUT, "%s: not a folder of submissions", dir);
    c = calloc(1, sizeof *c);
    l = calloc(1, sizeof *l);
    if (c == NULL || l == NULL)
        goto fail_nomem;
    c->nparts = hw->nex;
    nn = scandir(dir, &names, NULL, alphasort);
    if (nn < 0) {
        rc = ph_errf(err, PH_EINPUT, "%s: cannot list: %s", dir, strerror(errno));
        goto fail;
    }
    for (int i = 0; i < nn && !single; i++)
        if (is_exercise_file(hw, names[i]->d_name))
            single = 1;
    if (single) {
        const char *id = opts->single_id;
        char idbuf[256];
        if (id == NULL) {
            char real[PATH_MAX];
            if (realpath(dir, real) == NULL)
                snprintf(real, sizeof real, "%s", dir);
            snprintf(idbuf, sizeof idbuf, "%s", base_name(real));
            id = idbuf;
        }
        scan_folder(dir, 1, cap, l);
        rc = add_student(hw, c, id, dir, l, NULL, err);
        found_free(l);
        if (rc != PH_OK)
            goto fail;
    } else {
        for (int i = 0; i < nn; i++) {
            const char *n = names[i]->d_name;
            char path[PATH_MAX];
            size_t len = strlen(n);
            if (ignored_name(n) || strcmp(n, SUBS_MANIFEST_NAME) == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, n);
            if (fileio_is_dir(path)) {
                scan_folder(path, 1, cap, l);
                rc = add_student(hw, c, n, path, l, NULL, err);
            } else if (len > 4 && strcasecmp(n + len - 4, ".zip") == 0) {
                char id[256];
                char *zp = scan_zip(path, cap, l);
                snprintf(id, sizeof id, "%.*s", (int)(len - 4), n);
                rc = add_student(hw, c, id, path, l, zp, err);
            } else {
                rc = add_warning(c, dupf("%s: not a student's folder or zip: ignored", path), err);
            }
            found_free(l);
            if (rc != PH_OK)
                goto fail;
        }
    }
    if (c->n > 1)
        qsort(c->st, c->n, sizeof *c->st, cmp_student);
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->st[i].id, c->st[i - 1].id) == 0) {
            rc = ph_errf(err, PH_EINPUT, "%s: student %s has both %s and %s: keep one", dir,
                         c->st[i].id, c->st[i - 1].origin, c->st[i].origin);
            goto fail;
        }
    if (mpath == NULL) {
        snprintf(manifest, sizeof manifest, "%s/%s", dir, SUBS_MANIFEST_NAME);
        if (fileio_is_file(manifest))
            mpath = manifest;
    }
    if (mpath != NULL) {
        rc = apply_manifest(hw, c, mpath, err);
        if (rc != PH_OK)
            goto fail;
    }
    rc = PH_OK;
    *out = c;
    c = NULL;
    goto out;
fail_nomem:
    rc = ph_errf(err, PH_ENOMEM, "out of memory");
fail:
    subs_free(c);
out:
    for (int i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    if (l != NULL)
        found_free(l);
    free(l);
    return rc;
}

void subs_free(struct subs_class *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++) {
        struct subs_student *s = &c->st[i];
        for (size_t k = 0; s->parts != NULL && k < c->nparts; k++) {
            free(s->parts[k].code);
            free(s->parts[k].problem);
            free(s->parts[k].expl);
            free(s->parts[k].expl_problem);
        }
        free(s->parts);
        free(s->id);
        free(s->origin);
    }
    free(c->st);
    for (size_t i = 0; i < c->nwarnings; i++)
        free(c->warnings[i]);
    free(c->warnings);
    free(c);
}
