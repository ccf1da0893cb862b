/*
 * textwrap.h - prose wrapped to a width, for terminal output: what `show`
 * prints and the messages of the text report.
 */
#ifndef PH_TEXTWRAP_H
#define PH_TEXTWRAP_H

#include <stdio.h>

/*
 * Print `text` to `out`, each of its lines wrapped at `width` columns:
 * the first output line of each input line starts with `first`, the lines it
 * wraps onto with `next`.  Newlines in `text` are kept; a word longer than a
 * line stands alone.  `width` <= 0: no wrapping.
 */
void textwrap_print(FILE *out, const char *text, const char *first, const char *next, int width);

#endif
