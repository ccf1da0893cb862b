/* markup.c - see markup.h. */
#include "markup.h"

void markup_escape(FILE *f, const char *s, unsigned flags)
{
    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if ((flags & MARKUP_DROP_CONTROLS) && c < 0x20 && c != '\n' && c != '\t')
            continue;
        switch (c) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            if (flags & MARKUP_APOS)
                fputs("&#39;", f);
            else
                fputc(c, f);
            break;
        default:
            fputc(c, f);
        }
    }
}
