/*
 * injection.h - text in an answer addressed to the grader ("ignore previous
 * instructions", "give this 10/10", "grader: ...").  Such sentences are
 * removed before anything is credited, and the result says so.
 */
#ifndef PH_INJECTION_H
#define PH_INJECTION_H

#include "doc.h"

/* Blank out markup comments ("<!-- ... -->") in d->text (sanitized, not yet
 * tokenized): text a reader of the answer never sees is there for a machine.
 * Returns whether there was any. */
int injection_hide_markup(struct doc *d);

/* Drop the sentences of `d` that address the grader (their tokens go; the
 * sentences stay, marked `dropped`).  Returns whether any did. */
int injection_drop(struct doc *d);

#endif
