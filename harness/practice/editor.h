/*
 * editor.h - the multi-line answer editor's text and cursor, without I/O.
 *
 * Holds the answer being typed (UTF-8, capped), a cursor, and the soft
 * wrapping of the text into rows of a given width, so the screen code can
 * draw it and a unit test can drive it key by key.  Columns count code
 * points (one cell each), which is right for the prose answers are written
 * in.  Owns its buffer.
 */
#ifndef PH_EDITOR_H
#define PH_EDITOR_H

#include <stddef.h>

/* An answer is a few paragraphs; this keeps one bounded. */
#define EDITOR_MAX (16 * 1024)

struct editor {
    char *buf; /* NUL-terminated */
    size_t len, cap;
    size_t cursor; /* byte offset, always at a code point boundary */
    size_t goal;   /* column the cursor tries to keep moving up and down */
};

enum editor_action {
    EDITOR_NONE,   /* keep editing */
    EDITOR_SUBMIT, /* Enter on a blank line at the end, or Ctrl-D */
};

void editor_init(struct editor *ed);
void editor_cleanup(struct editor *ed);

/* Replace the text (for a transcript the learner may then edit); copied. */
int editor_set(struct editor *ed, const char *text);

/* Insert UTF-8 bytes at the cursor; control bytes are dropped.  0 when
 * inserted, -1 when the answer would go over EDITOR_MAX (nothing inserted). */
int editor_insert(struct editor *ed, const char *bytes, size_t n);

/* Enter: a new line; on an empty last line (Enter twice) submits instead. */
enum editor_action editor_enter(struct editor *ed);

void editor_backspace(struct editor *ed);
void editor_delete(struct editor *ed);
void editor_left(struct editor *ed);
void editor_right(struct editor *ed);
void editor_home(struct editor *ed, int width);
void editor_end(struct editor *ed, int width);
void editor_up(struct editor *ed, int width);
void editor_down(struct editor *ed, int width);

/* One row of the wrapped text: bytes [start, end) of buf. */
struct editor_row {
    size_t start, end;
};

/*
 * Wrap the text into rows of `width` cells (words move to the next row when
 * they do not fit; a word longer than the row is cut).  Writes up to `max`
 * rows and returns how many there are in all; *cur_row and *cur_col receive
 * the cursor's position.
 */
size_t editor_layout(const struct editor *ed, int width, struct editor_row *rows, size_t max,
                     size_t *cur_row, size_t *cur_col);

/* The answer with trailing blank lines and spaces removed; borrowed. */
const char *editor_text(struct editor *ed);

#endif
