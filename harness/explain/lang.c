/*
 * lang.c - see lang.h.
 *
 * Why function words: they are the most frequent words of any paragraph,
 * few, and nearly disjoint between these languages, so a count over a few
 * sentences separates them reliably where a rubric's technical vocabulary
 * (asyncio, GIL, yield) is shared by all.  Words two languages share ("a",
 * "de", "la", "en", "die") are left out of the lists.
 */
#include "lang.h"

#include <string.h>

/* Most words one language's list may hold; a list ends at its first NULL. */
#define LANG_WORDS_MAX 52

/* One row per language the scorer tells apart: its code, its name in English
 * and its function words.  English comes first: it wins ties. */
static const struct table {
    const char *code, *name;
    const char *const words[LANG_WORDS_MAX];
} tables[] = {
    {"en",
     "English",
     {"the",  "and",   "is",   "are",   "of", "to",      "that",  "this",  "with",   "for",
      "it",   "which", "when", "while", "so", "because", "not",   "but",   "they",   "you",
      "can",  "each",  "one",  "from",  "by", "its",     "their", "what",  "into",   "than",
      "only", "then",  "also", "does",  "do", "be",      "has",   "have",  "was",    "were",
      "on",   "at",    "or",   "as",    "an", "if",      "all",   "would", "should", "there"}},
    {"es", "Spanish", {"el",   "los",  "las",   "del",     "que",      "es",     "son",
                       "una",  "por",  "para",  "con",     "cuando",   "pero",   "como",
                       "más",  "cada", "sin",   "también", "solo",     "hay",    "muy",
                       "esto", "esta", "este",  "hasta",   "donde",    "porque", "así",
                       "lo",   "se",   "puede", "hace",    "mientras", "ya",     "sus",
                       "otra", "otro", "usar",  "mismo",   "entre"}},
    {"fr", "French", {"le",    "les",   "des",  "est",  "sont", "une",  "pour",  "avec",
                      "dans",  "qui",   "pas",  "mais", "ou",   "donc", "quand", "chaque",
                      "sans",  "aussi", "très", "sur",  "au",   "aux",  "du",    "ce",
                      "cette", "ces",   "il",   "ils",  "elle", "on",   "peut",  "fait",
                      "même",  "entre", "leur", "nous", "vous", "plus", "tout",  "être"}},
    {"de", "German", {"der",  "das",  "und",    "ist",   "sind",  "ein",  "eine", "nicht",
                      "mit",  "für",  "auf",    "wenn",  "dann",  "aber", "oder", "auch",
                      "nur",  "wird", "werden", "den",   "dem",   "des",  "zu",   "im",
                      "bei",  "man",  "sich",   "kann",  "jeder", "jede", "weil", "dass",
                      "ohne", "noch", "schon",  "immer", "wie",   "es",   "sie",  "wir"}},
    {"it", "Italian", {"il",    "lo",   "gli", "della",  "delle",  "che",    "è",    "sono",
                       "una",   "per",  "con", "quando", "ma",     "come",   "ogni", "senza",
                       "anche", "solo", "più", "questo", "questa", "perché", "nel",  "nella",
                       "degli", "dei",  "può", "molto",  "cosa",   "loro"}},
    {"pt", "Portuguese", {"os",   "não",    "uma",   "para",   "com",   "quando", "mas",  "cada",
                          "sem",  "também", "muito", "isso",   "isto",  "este",   "esta", "pelo",
                          "pela", "são",    "está",  "nos",    "nas",   "dos",    "das",  "ao",
                          "pode", "faz",    "então", "porque", "ainda", "você"}},
};
#define NTABLES (sizeof tables / sizeof tables[0])

/* Fewer function words than this and the text is too short to tell. */
#define LANG_MIN_WORDS 4

struct lang_guess lang_detect(const struct doc *d)
{
    struct lang_guess g = {"en", "English", 0, 0, 0};
    unsigned counts[NTABLES] = {0};
    size_t prose = 0, nonlatin = 0, best = 0;

    for (size_t i = 0; i < d->ntok; i++) {
        const struct token *t = &d->tok[i];
        const unsigned char *r = (const unsigned char *)t->raw;
        if (t->code || t->ident)
            continue;
        prose++;
        /* A word that starts outside Latin script (U+0370 and up: Greek,
         * Cyrillic, CJK, ...). */
        if (r[0] >= 0xcd && !(r[0] == 0xc3 || r[0] == 0xc4 || r[0] == 0xc5))
            nonlatin++;
        for (size_t k = 0; k < NTABLES; k++)
            for (size_t w = 0; w < LANG_WORDS_MAX && tables[k].words[w] != NULL; w++)
                counts[k] += strcmp(t->raw, tables[k].words[w]) == 0;
    }
    for (size_t k = 1; k < NTABLES; k++)
        if (counts[k] > counts[best])
            best = k;
    g.english = counts[0];
    if (prose >= 8 && nonlatin * 2 > prose) {
        g.code = "??";
        g.name = "another language";
        g.other = 1;
        return g;
    }
    /* Another language wins only clearly: a quoted foreign phrase in an
     * English answer does not make it foreign. */
    if (best != 0 && counts[best] >= LANG_MIN_WORDS && counts[best] > 2 * counts[0]) {
        g.code = tables[best].code;
        g.name = tables[best].name;
        g.counts = counts[best];
        g.other = 1;
    }
    return g;
}
