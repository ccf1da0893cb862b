/*
 * synonym.c - see synonym.h: classes of relation words.
 */
#include "synonym.h"

#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "stem.h"

/* One class a line; each word as written, in the forms that stem apart. */
static const char *const classes[][8] = {
    {"time", "moment", "instant", NULL},
    {"run", "runs", "running", "execute", "executes", "executing", "executed", NULL},
    {"several", "multiple", "many", "different", NULL},
    {"finish", "finishes", "finished", "complete", "completes", "completed", NULL},
    {"block", "blocks", "blocked", "stall", "stalls", "stalled", "freeze", "freezes"},
    {"keep", "keeps", "kept", "preserve", "preserves", "preserved", "retain", "retains"},
    {"succeed", "succeeded", "succeeds", "success", "successful", "successfully", NULL},
    {"swallow", "swallows", "swallowed", "suppress", "suppresses", "suppressed", "silence",
     "silences"},
    {"start", "starts", "started", "begin", "begins", "began", NULL},
    {"whole", "entire", "full", NULL},
    {"fast", "quick", NULL},
    {"faster", "quicker", NULL},
    {"immediately", "instantly", "straightaway", NULL},
};

unsigned char synonym_class(const char *stem)
{
    char buf[WORD_MAX];

    for (size_t c = 0; c < sizeof classes / sizeof *classes; c++) {
        for (size_t k = 0; k < 8 && classes[c][k] != NULL; k++) {
            snprintf(buf, sizeof buf, "%s", classes[c][k]);
            stem_word(buf);
            if (strcmp(buf, stem) == 0)
                return (unsigned char)(c + 1);
        }
    }
    return 0;
}
