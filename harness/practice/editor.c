/*
 * editor.c - see editor.h.
 *
 * Soft wrapping is recomputed from the whole text on every call: answers are
 * capped at EDITOR_MAX bytes, so this is a few microseconds, and it keeps the
 * editor free of a row cache that could go stale.
 */
#include "editor.h"

#include <stdlib.h>
#include <string.h>

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

void editor_init(struct editor *ed)
{
    memset(ed, 0, sizeof *ed);
}

void editor_cleanup(struct editor *ed)
{
    free(ed->buf);
    memset(ed, 0, sizeof *ed);
}

static int reserve(struct editor *ed, size_t need)
{
    char *nb;
    size_t ncap;

    if (need + 1 <= ed->cap)
        return 0;
    ncap = ed->cap != 0 ? ed->cap : 256;
    while (ncap < need + 1)
        ncap *= 2;
    nb = realloc(ed->buf, ncap);
    if (nb == NULL)
        return -1;
    if (ed->buf == NULL)
        nb[0] = '\0'; /* a new buffer holds the empty text */
    ed->buf = nb;
    ed->cap = ncap;
    return 0;
}

int editor_set(struct editor *ed, const char *text)
{
    ed->len = 0;
    ed->cursor = 0;
    if (reserve(ed, 0) != 0)
        return -1;
    ed->buf[0] = '\0';
    return editor_insert(ed, text, strlen(text));
}

int editor_insert(struct editor *ed, const char *bytes, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if ((unsigned char)bytes[i] >= 0x20 || bytes[i] == '\n')
            k++;
    if (ed->len + k > EDITOR_MAX || reserve(ed, ed->len + k) != 0)
        return -1;
    memmove(ed->buf + ed->cursor + k, ed->buf + ed->cursor, ed->len - ed->cursor + 1);
    for (size_t i = 0, j = ed->cursor; i < n; i++)
        if ((unsigned char)bytes[i] >= 0x20 || bytes[i] == '\n')
            ed->buf[j++] = bytes[i] == 0x7f ? ' ' : bytes[i];
    ed->len += k;
    ed->cursor += k;
    ed->goal = (size_t)-1;
    return 0;
}

enum editor_action editor_enter(struct editor *ed)
{
    /* A blank last line and the cursor at the end: the learner pressed Enter
     * twice, which submits (an empty answer needs Ctrl-D, so one stray Enter
     * never sends nothing). */
    if (ed->len > 0 && ed->cursor == ed->len && ed->buf[ed->len - 1] == '\n')
        return EDITOR_SUBMIT;
    if (editor_insert(ed, "\n", 1) != 0)
        return EDITOR_NONE;
    return EDITOR_NONE;
}

static size_t prev_cp(const struct editor *ed, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && is_cont((unsigned char)ed->buf[at]))
        at--;
    return at;
}

static size_t next_cp(const struct editor *ed, size_t at)
{
    if (at >= ed->len)
        return ed->len;
    at++;
    while (at < ed->len && is_cont((unsigned char)ed->buf[at]))
        at++;
    return at;
}

void editor_backspace(struct editor *ed)
{
    size_t p = prev_cp(ed, ed->cursor);

    if (p == ed->cursor)
        return;
    memmove(ed->buf + p, ed->buf + ed->cursor, ed->len - ed->cursor + 1);
    ed->len -= ed->cursor - p;
    ed->cursor = p;
    ed->goal = (size_t)-1;
}

void editor_delete(struct editor *ed)
{
    size_t nx = next_cp(ed, ed->cursor);

    if (nx == ed->cursor)
        return;
    memmove(ed->buf + ed->cursor, ed->buf + nx, ed->len - nx + 1);
    ed->len -= nx - ed->cursor;
    ed->goal = (size_t)-1;
}

void editor_left(struct editor *ed)
{
    ed->cursor = prev_cp(ed, ed->cursor);
    ed->goal = (size_t)-1;
}

void editor_right(struct editor *ed)
{
    ed->cursor = next_cp(ed, ed->cursor);
    ed->goal = (size_t)-1;
}

/* Code points in [a, b). */
static size_t cells(const char *s, size_t a, size_t b)
{
    size_t n = 0;

    for (size_t i = a; i < b; i++)
        if (!is_cont((unsigned char)s[i]))
            n++;
    return n;
}

/* Byte offset of column `col` in row `r` (clamped to the row's end). */
static size_t offset_at(const struct editor *ed, const struct editor_row *r, size_t col)
{
    size_t at = r->start, c = 0;

    while (at < r->end && c < col) {
        at = next_cp(ed, at);
        c++;
    }
    return at;
}

size_t editor_layout(const struct editor *ed, int width, struct editor_row *rows, size_t max,
                     size_t *cur_row, size_t *cur_col)
{
    const char *s = ed->buf != NULL ? ed->buf : "";
    size_t n = 0, at = 0, len = ed->len;
    size_t w = width > 1 ? (size_t)width - 1 : 1; /* last column stays free for the cursor */

    *cur_row = 0;
    *cur_col = 0;
    for (;;) {
        size_t start = at, end, last_space = 0, c = 0;
        int have_space = 0;
        /* Grow the row to the line's end or the width. */
        end = start;
        while (end < len && s[end] != '\n' && c < w) {
            if (s[end] == ' ') {
                last_space = end;
                have_space = 1;
            }
            end = next_cp(ed, end);
            c++;
        }
        if (end < len && s[end] != '\n' && c >= w && have_space && last_space > start)
            end = last_space + 1; /* wrap after the last space that fits */
        if (n < max) {
            rows[n].start = start;
            rows[n].end = end;
        }
        if (ed->cursor >= start &&
            (ed->cursor < end || (ed->cursor == end && (end >= len || s[end] == '\n')))) {
            *cur_row = n;
            *cur_col = cells(s, start, ed->cursor);
        }
        n++;
        if (end >= len)
            break;
        at = s[end] == '\n' ? end + 1 : end;
        if (s[end] == '\n' && at >= len) {
            /* A trailing newline opens an empty last row. */
            if (n < max) {
                rows[n].start = at;
                rows[n].end = at;
            }
            if (ed->cursor == at) {
                *cur_row = n;
                *cur_col = 0;
            }
            n++;
            break;
        }
    }
    return n;
}

/* Rows of the whole text, on the heap; caller frees. */
static struct editor_row *all_rows(const struct editor *ed, int width, size_t *n, size_t *row,
                                   size_t *col)
{
    size_t cnt = editor_layout(ed, width, NULL, 0, row, col);
    struct editor_row *rows = calloc(cnt + 1, sizeof *rows);

    if (rows == NULL)
        return NULL;
    *n = editor_layout(ed, width, rows, cnt + 1, row, col);
    return rows;
}

static void vertical(struct editor *ed, int width, int dir)
{
    size_t n = 0, row, col;
    struct editor_row *rows = all_rows(ed, width, &n, &row, &col);

    if (rows == NULL)
        return;
    if (ed->goal == (size_t)-1)
        ed->goal = col;
    if ((dir < 0 && row > 0) || (dir > 0 && row + 1 < n)) {
        size_t goal = ed->goal;
        ed->cursor = offset_at(ed, &rows[dir < 0 ? row - 1 : row + 1], goal);
        ed->goal = goal;
    }
    free(rows);
}

void editor_up(struct editor *ed, int width)
{
    vertical(ed, width, -1);
}

void editor_down(struct editor *ed, int width)
{
    vertical(ed, width, 1);
}

void editor_home(struct editor *ed, int width)
{
    size_t n = 0, row, col;
    struct editor_row *rows = all_rows(ed, width, &n, &row, &col);

    if (rows == NULL)
        return;
    ed->cursor = rows[row].start;
    ed->goal = (size_t)-1;
    free(rows);
}

void editor_end(struct editor *ed, int width)
{
    size_t n = 0, row, col;
    struct editor_row *rows = all_rows(ed, width, &n, &row, &col);

    if (rows == NULL)
        return;
    ed->cursor = rows[row].end;
    /* A soft-wrapped row ends with the space it broke at: stay before it. */
    if (ed->cursor < ed->len && ed->buf[ed->cursor] != '\n' && ed->cursor > rows[row].start)
        ed->cursor = prev_cp(ed, ed->cursor);
    ed->goal = (size_t)-1;
    free(rows);
}

const char *editor_text(struct editor *ed)
{
    if (ed->buf == NULL) {
        if (reserve(ed, 0) != 0)
            return "";
        ed->buf[0] = '\0';
    }
    while (ed->len > 0 && (ed->buf[ed->len - 1] == '\n' || ed->buf[ed->len - 1] == ' '))
        ed->buf[--ed->len] = '\0';
    if (ed->cursor > ed->len)
        ed->cursor = ed->len;
    return ed->buf;
}
