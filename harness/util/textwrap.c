/* textwrap.c - see textwrap.h. */
#include "textwrap.h"

#include <string.h>

/* Display columns of n bytes of UTF-8: continuation bytes take none. */
static int columns(const char *s, size_t n)
{
    int c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

void textwrap_print(FILE *out, const char *text, const char *first, const char *next, int width)
{
    const char *p = text;

    while (*p != '\0') {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        int room, col = 0;

        fputs(first, out);
        room = width - columns(first, strlen(first));
        if (width <= 0 || columns(p, (size_t)(end - p)) <= room) {
            fwrite(p, 1, (size_t)(end - p), out);
        } else {
            int next_room = width - columns(next, strlen(next));
            if (room < 20)
                room = 20;
            if (next_room < 20)
                next_room = 20;
            while (p < end) {
                const char *w = p, *we;
                int len;
                while (w < end && *w == ' ')
                    w++;
                we = w;
                while (we < end && *we != ' ')
                    we++;
                len = columns(w, (size_t)(we - w));
                if (we == w)
                    break;
                if (col > 0 && col + 1 + len > room) {
                    fputc('\n', out);
                    fputs(next, out);
                    room = next_room;
                    col = 0;
                }
                if (col > 0) {
                    fputc(' ', out);
                    col++;
                }
                fwrite(w, 1, (size_t)(we - w), out);
                col += len;
                p = we;
            }
        }
        fputc('\n', out);
        p = eol ? eol + 1 : end;
    }
}
