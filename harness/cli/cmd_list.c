/* cmd_list.c - see cmd_list.h. */
#include "cmd_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "cli.h"
#include "exercise.h"
#include "paths.h"

static const char usage[] = "usage: pyharness list [--json]\n"
                            "Every exercise on the search path (--exercises DIR banks first, then "
                            "the built-in one),\nwith the bank it comes from.\n";

int cmd_list_main(int argc, char **argv)
{
    struct ph_err err = {0};
    struct bank_entry *list = NULL;
    size_t n = 0, i;
    int json = 0, status = CLI_EXIT_OK, npos, parsed;
    cJSON *arr = NULL;
    const struct cli_opt opts[] = {
        {"json", 0, CLI_FLAG, NULL, "print the list as JSON", NULL, &json},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos != 0)
        return cli_usage("list: takes no arguments, not \"%s\"", argv[1]);
    if (bank_list(&list, &n, &err) != PH_OK)
        return cli_fail(&err);
    arr = json ? cJSON_CreateArray() : NULL;
    for (i = 0; i < n; i++) {
        struct exercise *ex = NULL;
        struct ph_err e = {0};
        if (exercise_load(list[i].dir, &ex, &e) != PH_OK) {
            /* One broken folder must not hide the others. */
            fprintf(stderr, "pyharness: %s\n", e.msg);
            status = CLI_EXIT_INPUT;
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
            cJSON_AddStringToObject(o, "bank", list[i].origin);
            cJSON_AddBoolToObject(o, "shadows_builtin", list[i].shadows);
            cJSON_AddItemToArray(arr, o);
        } else {
            printf("%-28s %-18s %s", ex->id, ex->topic, ex->title);
            if (strcmp(list[i].origin, "built-in") != 0)
                printf("  [%s%s]", list[i].bank,
                       list[i].shadows ? ", shadows the built-in one" : "");
            printf("\n");
        }
        exercise_free(ex);
    }
    bank_list_free(list, n);
    if (json) {
        char *text = cJSON_Print(arr);
        if (text != NULL)
            printf("%s\n", text);
        free(text);
        cJSON_Delete(arr);
    }
    return status;
}
