/*
 * fuzz_result.c - libFuzzer target for reading a result back
 * (report_json_parse_run in report_json.c).  Results come from files and
 * stores other machines wrote, so their parser must refuse anything with a
 * message, never crash; what it accepts must render and parse again to the
 * same text.  Seeds: tests/fuzz/corpus/result/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_json.h"

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
            if (t2 == NULL || strcmp(t1, t2) != 0)
                abort(); /* render -> parse -> render must be stable */
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
