/*
 * markup.h - escaping text for HTML, SVG and XML reports (grade's pages and
 * junit.xml, compare's charts).  Owns nothing.
 */
#ifndef PH_MARKUP_H
#define PH_MARKUP_H

#include <stdio.h>

enum {
    MARKUP_APOS = 1,          /* also escape ' (attribute values quoted either way) */
    MARKUP_DROP_CONTROLS = 2, /* drop C0 controls but \n and \t: XML 1.0 forbids them */
};

/* Write `s` (may be NULL: nothing is written) to `f` with &, <, > and "
 * escaped, and what `flags` asks for. */
void markup_escape(FILE *f, const char *s, unsigned flags);

#endif
