/* Unit tests for report_json.c's reader: a result read back renders as it
 * was written, and a result it did not write is refused with a message. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "report_json.h"

/* Read `text`, render it, read that and render again: both renderings must
 * be the same text.  Returns 0 when `text` was refused (err says why, unless
 * it was not JSON at all). */
static int round_trip(const char *text, struct ph_err *err)
{
    cJSON *doc = cJSON_Parse(text), *doc2;
    struct run_result r, again;
    char *t1, *t2;

    if (doc == NULL)
        return 0; /* the fuzz corpus holds texts that are not JSON, too */
    if (report_json_parse_run(doc, &r, err) != PH_OK) {
        cJSON_Delete(doc);
        return 0;
    }
    t1 = report_json_text(&r);
    cr_assert_not_null(t1);
    doc2 = cJSON_Parse(t1);
    cr_assert_not_null(doc2);
    cr_assert_eq(report_json_parse_run(doc2, &again, err), PH_OK, "re-read: %s", err->msg);
    t2 = report_json_text(&again);
    cr_assert_not_null(t2);
    cr_assert_str_eq(t1, t2);
    free(t1);
    free(t2);
    run_result_cleanup(&r);
    run_result_cleanup(&again);
    cJSON_Delete(doc);
    cJSON_Delete(doc2);
    return 1;
}

Test(report_json, seeds_round_trip)
{
    const char *dir = PH_TEST_DATA "/fuzz/corpus/result";
    DIR *d = opendir(dir);
    struct dirent *e;
    int read = 0;

    cr_assert_not_null(d, "%s", dir);
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        char *text = NULL;
        size_t len = 0;
        struct ph_err err = {0};

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        cr_assert_eq(fileio_read(path, 1 << 22, &text, &len, &err), PH_OK, "%s", path);
        read += round_trip(text, &err);
        free(text);
    }
    closedir(d);
    cr_assert_gt(read, 3, "too few seeds read back: %d", read);
}

/* cJSON reads a number beyond a double's range as infinity and renders it
 * as null: such a result is refused, naming the field. */
Test(report_json, refuses_a_number_too_large_for_a_double)
{
    const char *path = PH_TEST_DATA "/fuzz/corpus/result/regress-infinite-number.json";
    char *text = NULL;
    size_t len = 0;
    struct ph_err err = {0};

    cr_assert_eq(fileio_read(path, 1 << 22, &text, &len, &err), PH_OK);
    cr_assert_eq(round_trip(text, &err), 0);
    cr_assert(strstr(err.msg, "parallelism") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "too large") != NULL, "%s", err.msg);
    free(text);
}
