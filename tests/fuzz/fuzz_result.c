/*
 * fuzz_result.c - libFuzzer target for reading a result back
 * (report_json_parse_run in report_json.c).  Results come from files and
 * stores other machines wrote, so their parser must refuse anything with a
 * message, never crash; what it accepts must render and parse again to the
 * same text.  Seeds: tests/fuzz/corpus/result/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_json.h"

/* Name where the two renderings part, so a CI log says which field did not
 * survive the round trip. */
static void report_mismatch(const char *t1, const char *t2)
{
    size_t i = 0, from;

    if (t2 == NULL) {
        fprintf(stderr, "fuzz_result: the re-read result did not render\n");
        return;
    }
    while (t1[i] != '\0' && t1[i] == t2[i])
        i++;
    from = i > 160 ? i - 160 : 0;
    fprintf(stderr,
            "fuzz_result: renderings differ at byte %zu\nfirst:  %.400s\n----\nsecond: %.400s\n", i,
            t1 + from, t2 + from);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct run_result r, again;
    struct ph_err err = {0};
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    char *t1, *t2;
    cJSON *doc2;

    if (doc == NULL)
        return 0;
    if (report_json_parse_run(doc, &r, &err) == PH_OK) {
        t1 = report_json_text(&r);
        doc2 = t1 ? cJSON_Parse(t1) : NULL;
        if (doc2 != NULL && report_json_parse_run(doc2, &again, &err) == PH_OK) {
            t2 = report_json_text(&again);
            if (t2 == NULL || strcmp(t1, t2) != 0) {
                report_mismatch(t1, t2);
                abort(); /* render -> parse -> render must be stable */
            }
            free(t2);
            run_result_cleanup(&again);
        }
        cJSON_Delete(doc2);
        free(t1);
        run_result_cleanup(&r);
    }
    cJSON_Delete(doc);
    return 0;
}
