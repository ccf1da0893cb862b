/*
 * synonym.h - words that state the same relation, for the offline scorer.
 *
 * A candidate who makes a point (or states a belief) in plain words uses the
 * relation words that come to them: "execute" for "run", "the same moment"
 * for "the same time", "sequence" for "order", "stall" for "block".  A rubric
 * cannot list every phrasing of every point with each of them; instead a
 * phrase's word matches an answer's word of the same class.  The classes hold
 * only words of relation (time, order, running, blocking, keeping, success),
 * never a subject of any exercise, so they add no credit to a list of terms.
 */
#ifndef PH_SYNONYM_H
#define PH_SYNONYM_H

/* The class of a stemmed word (stem.h), 0 when it has none. */
unsigned char synonym_class(const char *stem);

#endif
