/*
 * bank.h - the exercises a command can name: every bank on the search path
 * (paths.h) merged, a local exercise shadowing a built-in one of the same id.
 *
 * Commands turn what the user typed into an exercise folder here, so that
 * every command finds the same exercise and answers a typo the same way
 * ("did you mean generators-streaming?").
 */
#ifndef PH_BANK_H
#define PH_BANK_H

#include <stddef.h>

#include "err.h"

struct bank_entry {
    char *id;
    char *dir;          /* absolute folder */
    const char *origin; /* "built-in", "--exercises", ...; static */
    const char *bank;   /* the bank folder; borrowed from paths.h */
    int shadows;        /* a bank searched later has an exercise of this id too */
};

/*
 * Every exercise on the search path, sorted by id, one entry per id (the
 * first bank holding it).  Caller frees with bank_list_free().
 */
enum ph_rc bank_list(struct bank_entry **out, size_t *n_out, struct ph_err *err);
void bank_list_free(struct bank_entry *list, size_t n);

/*
 * Resolve ARG (an id on the search path, or a path to a folder) to an
 * absolute folder; caller frees *dir_out with free().  An unknown id is
 * PH_EINPUT with a message naming the closest id when one is close.
 */
enum ph_rc bank_resolve(const char *arg, char **dir_out, struct ph_err *err);

#endif
