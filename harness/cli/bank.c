/* bank.c - see bank.h. */
#include "bank.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exercise.h"
#include "fileio.h"
#include "paths.h"

void bank_list_free(struct bank_entry *list, size_t n)
{
    size_t i;

    for (i = 0; list != NULL && i < n; i++) {
        free(list[i].id);
        free(list[i].dir);
    }
    free(list);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct bank_entry *)a)->id, ((const struct bank_entry *)b)->id);
}

enum ph_rc bank_list(struct bank_entry **out, size_t *n_out, struct ph_err *err)
{
    struct bank_entry *list = NULL;
    size_t n = 0, cap = 0, b, k, j;
    char **ids = NULL;
    size_t nids = 0;
    char dir[PATH_MAX + 300];
    enum ph_rc rc = PH_OK;

    *out = NULL;
    *n_out = 0;
    for (b = 0; b < paths_bank_count(); b++) {
        rc = exercise_list(paths_bank(b), &ids, &nids, err);
        if (rc != PH_OK)
            goto out;
        for (k = 0; k < nids; k++) {
            for (j = 0; j < n && strcmp(list[j].id, ids[k]) != 0; j++)
                ;
            if (j < n) { /* an earlier bank has it: that one shadows this */
                list[j].shadows = 1;
                continue;
            }
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 16;
                struct bank_entry *t = realloc(list, nc * sizeof *t);
                if (t == NULL) {
                    rc = ph_errf(err, PH_ENOMEM, "out of memory");
                    goto out;
                }
                list = t;
                cap = nc;
            }
            snprintf(dir, sizeof dir, "%s/%s", paths_bank(b), ids[k]);
            memset(&list[n], 0, sizeof list[n]);
            list[n].id = ids[k];
            ids[k] = NULL;
            list[n].dir = strdup(dir);
            list[n].origin = paths_bank_origin(b);
            list[n].bank = paths_bank(b);
            n++;
            if (list[n - 1].dir == NULL) {
                rc = ph_errf(err, PH_ENOMEM, "out of memory");
                goto out;
            }
        }
        for (k = 0; k < nids; k++)
            free(ids[k]);
        free(ids);
        ids = NULL;
        nids = 0;
    }
    if (n > 0)
        qsort(list, n, sizeof *list, cmp_entry);
    *out = list;
    *n_out = n;
    list = NULL;
    n = 0;
out:
    for (k = 0; k < nids; k++)
        free(ids[k]);
    free(ids);
    bank_list_free(list, n);
    return rc;
}

enum ph_rc bank_resolve(const char *arg, char **dir_out, struct ph_err *err)
{
    struct bank_entry *list = NULL;
    const char **names = NULL;
    const char *guess;
    size_t n = 0, i;
    long b;
    enum ph_rc rc;

    *dir_out = NULL;
    if (arg == NULL || arg[0] == '\0')
        return ph_errf(err, PH_EUSAGE, "missing exercise id");
    if (strchr(arg, '/') != NULL || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
        return exercise_resolve(arg, ".", dir_out, err);
    b = paths_find_exercise(arg);
    if (b >= 0)
        return exercise_resolve(arg, paths_bank((size_t)b), dir_out, err);
    if (fileio_is_dir(arg)) /* a folder in the working directory */
        return exercise_resolve(arg, ".", dir_out, err);
    rc = bank_list(&list, &n, err);
    if (rc != PH_OK)
        return rc;
    names = calloc(n + 1, sizeof *names);
    if (names == NULL) {
        bank_list_free(list, n);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    for (i = 0; i < n; i++)
        names[i] = list[i].id;
    guess = cli_did_you_mean(arg, names);
    if (guess != NULL)
        rc =
            ph_errf(err, PH_EINPUT,
                    "unknown exercise \"%s\": did you mean %s? (see `pyharness list`)", arg, guess);
    else
        rc = ph_errf(err, PH_EINPUT, "unknown exercise \"%s\" (see `pyharness list`)", arg);
    free(names);
    bank_list_free(list, n);
    return rc;
}
