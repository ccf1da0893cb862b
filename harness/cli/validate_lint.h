/*
 * validate_lint.h - what `validate` finds in an exercise folder beyond what
 * loading it checks: unknown (misspelt) keys in exercise.json, a check with
 * no check_<name> function in checks.py, a lesson placeholder with an
 * unknown unit, weights that do not add up to 100.  Loading stays lenient so
 * that an old bank keeps working; an author runs validate.
 */
#ifndef PH_VALIDATE_LINT_H
#define PH_VALIDATE_LINT_H

#include <stddef.h>

struct exercise;

/* Called once per problem with a message naming the file and the field. */
typedef void (*validate_lint_fn)(void *ud, const char *msg);

/* Report every problem of `ex` through `say`; returns how many there were. */
size_t validate_lint(const struct exercise *ex, validate_lint_fn say, void *ud);

#endif
