/* cmd_list.c - see cmd_list.h. */
#include "cmd_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exercise.h"
#include "paths.h"

static const char usage[] = "usage: pyharness list [--json]\n";

int cmd_list_main(int argc, char **argv)
{
    struct ph_err err = {0};
    char **ids = NULL;
    size_t n = 0, i;
    int json = 0, status = CLI_EXIT_OK, npos, parsed;
    cJSON *arr = NULL;
    const struct cli_opt opts[] = {
        {"json", 0, CLI_FLAG, NULL, "print the exercises as JSON", NULL, &json},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos > 0)
        return cli_usage("list: unexpected argument \"%s\"\n%s", argv[1], usage);
    if (exercise_list(paths_exercises_dir(), &ids, &n, &err) != PH_OK)
        return cli_fail(&err);
    arr = json ? cJSON_CreateArray() : NULL;
    for (i = 0; i < n; i++) {
        char dir[4096];
        struct exercise *ex = NULL;
        struct ph_err e = {0};
        snprintf(dir, sizeof dir, "%s/%s", paths_exercises_dir(), ids[i]);
        if (exercise_load(dir, &ex, &e) != PH_OK) {
            /* One broken folder must not hide the others. */
            fprintf(stderr, "pyharness: %s\n", e.msg);
            status = CLI_EXIT_INPUT;
            free(ids[i]);
            continue;
        }
        if (json) {
            cJSON *o = cJSON_CreateObject();
            size_t c, hidden = 0;
            for (c = 0; c < ex->nchecks; c++)
                hidden += !ex->checks[c].visible;
            cJSON_AddStringToObject(o, "id", ex->id);
            cJSON_AddStringToObject(o, "title", ex->title);
            cJSON_AddStringToObject(o, "topic", ex->topic);
            cJSON_AddNumberToObject(o, "checks", (double)ex->nchecks);
            cJSON_AddNumberToObject(o, "hidden_checks", (double)hidden);
            cJSON_AddBoolToObject(o, "rubric", ex->rubric != NULL);
            cJSON_AddStringToObject(o, "path", ex->dir);
            cJSON_AddItemToArray(arr, o);
        } else {
            printf("%-28s %-18s %s\n", ex->id, ex->topic, ex->title);
        }
        exercise_free(ex);
        free(ids[i]);
    }
    free(ids);
    if (json) {
        char *text = cJSON_Print(arr);
        if (text != NULL)
            printf("%s\n", text);
        free(text);
        cJSON_Delete(arr);
    }
    return status;
}
