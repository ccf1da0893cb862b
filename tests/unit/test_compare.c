/* Unit tests for compare.c: type-strict equality of observations. */
#include <criterion/criterion.h>
#include <string.h>

#include "compare.h"

/* Compare two JSON texts; `show`: as for a visible check. */
static int compare_texts(const char *a, const char *b, double rel, int show, char *why, size_t cap)
{
    cJSON *x = cJSON_Parse(a), *y = cJSON_Parse(b);
    struct compare_opts o = {rel, 0, NULL, 0};
    int r;

    cr_assert_not_null(x, "%s", a);
    cr_assert_not_null(y, "%s", b);
    r = compare_json(x, y, &o, show, why, cap);
    cJSON_Delete(x);
    cJSON_Delete(y);
    return r;
}

static int same(const char *a, const char *b, double rel, char *why, size_t cap)
{
    return compare_texts(a, b, rel, 1, why, cap);
}

Test(compare, equal_values)
{
    char why[256];

    cr_assert(same("[1, \"a\", null, true, {\"k\": [2]}]", "[1, \"a\", null, true, {\"k\": [2]}]",
                   0, why, sizeof why));
    cr_assert(same("{\"a\": 1, \"b\": 2}", "{\"b\": 2, \"a\": 1}", 0, why, sizeof why));
}

Test(compare, int_is_not_float)
{
    char why[256];

    cr_assert_not(same("3", "{\"$float\": 3}", 0, why, sizeof why));
    cr_assert(strstr(why, "expected int, got float") != NULL, "%s", why);
    cr_assert_not(same("2", "2.5", 0.5, why, sizeof why));
}

Test(compare, list_is_not_tuple)
{
    char why[256];

    cr_assert_not(same("[1, 2]", "{\"$tuple\": [1, 2]}", 0, why, sizeof why));
    cr_assert(same("{\"$tuple\": [1, 2]}", "{\"$tuple\": [1, 2]}", 0, why, sizeof why));
}

Test(compare, foreign_objects_never_equal_values)
{
    char why[256];

    cr_assert_not(same("3", "{\"$type\": \"Always\"}", 0, why, sizeof why));
}

Test(compare, float_tolerance)
{
    char why[256];

    cr_assert(same("1.5", "1.5000001", 1e-6, why, sizeof why));
    cr_assert_not(same("1.5", "1.6", 1e-6, why, sizeof why));
    cr_assert(same("{\"$float\": \"nan\"}", "{\"$float\": \"nan\"}", 0, why, sizeof why));
}

Test(compare, sets_are_unordered)
{
    char why[256];

    cr_assert(same("{\"$set\": [1, 2, 3]}", "{\"$set\": [3, 1, 2]}", 0, why, sizeof why));
    cr_assert_not(same("{\"$set\": [1, 2, 3]}", "{\"$set\": [3, 1, 4]}", 0, why, sizeof why));
}

Test(compare, path_of_first_difference)
{
    char why[256];

    cr_assert_not(
        same("{\"a\": [[1, 2], [3, 4]]}", "{\"a\": [[1, 2], [3, 5]]}", 0, why, sizeof why));
    cr_assert(strstr(why, "at a[1][1]:") != NULL, "%s", why);
    cr_assert(strstr(why, "expected 4, got 5") != NULL, "%s", why);
}

Test(compare, key_paths_read_as_python_would_write_them)
{
    char why[256];

    cr_assert_not(same("{\"r\": {\"0\": 1}}", "{\"r\": {\"0\": 2}}", 0, why, sizeof why));
    cr_assert(strstr(why, "at r[0]:") != NULL, "%s", why);
    cr_assert_not(same("{\"two words\": 1}", "{\"two words\": 2}", 0, why, sizeof why));
    cr_assert(strstr(why, "at [\"two words\"]:") != NULL, "%s", why);
}

Test(compare, hidden_values_stay_hidden)
{
    char why[256];

    cr_assert_not(compare_texts("[42]", "[41]", 0, 0, why, sizeof why));
    cr_assert_null(strstr(why, "42"), "%s", why);
    /* Nor the expected length or type. */
    cr_assert_not(compare_texts("[1, 2, 3, 4, 5, 6, 7]", "[1, 2]", 0, 0, why, sizeof why));
    cr_assert_null(strstr(why, "7"), "%s", why);
    cr_assert(strstr(why, "length differs") != NULL, "%s", why);
    cr_assert_not(compare_texts("[\"s\"]", "[true]", 0, 0, why, sizeof why));
    cr_assert_null(strstr(why, "str"), "%s", why);
    cr_assert(strstr(why, "type differs (got bool)") != NULL, "%s", why);
}

Test(compare, ignored_top_level_keys)
{
    cJSON *x = cJSON_Parse("{\"a\": 1, \"t\": 5}"), *y = cJSON_Parse("{\"a\": 1, \"t\": 9}");
    char *ign[] = {"t"};
    struct compare_opts o = {0, 0, ign, 1};
    char why[64];

    cr_assert(compare_json(x, y, &o, 1, why, sizeof why));
    cJSON_Delete(x);
    cJSON_Delete(y);
}

Test(compare, missing_and_extra_keys)
{
    char why[256];

    cr_assert_not(same("{\"a\": 1}", "{}", 0, why, sizeof why));
    cr_assert(strstr(why, "missing key") != NULL, "%s", why);
    cr_assert_not(same("{}", "{\"z\": 1}", 0, why, sizeof why));
    cr_assert(strstr(why, "unexpected key") != NULL, "%s", why);
}

/* The worker serialises a dict with a '$' key, or one holding a NUL, as
 * {"$dict": [[key, value], ...]}, and a str with a NUL as {"$str0": hex}. */
Test(compare, a_dollar_keyed_dict_is_never_a_tuple)
{
    char why[256];

    cr_assert_not(
        same("{\"$tuple\": [1, 2]}", "{\"$dict\": [[\"$tuple\", [1, 2]]]}", 0, why, sizeof why));
    cr_assert(strstr(why, "type differs") != NULL, "%s", why);
}

Test(compare, strings_that_differ_after_a_nul_differ)
{
    char why[256];

    cr_assert_not(same("{\"$str0\": \"6b0061\"}", "{\"$str0\": \"6b0062\"}", 0, why, sizeof why));
    cr_assert_not(same("{\"$str0\": \"6b0061\"}", "\"k\"", 0, why, sizeof why));
    cr_assert(same("{\"$str0\": \"6b0061\"}", "{\"$str0\": \"6b0061\"}", 0, why, sizeof why));
}
