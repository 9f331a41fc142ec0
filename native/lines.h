/* Line framing in C, with exactly the rules of src/protocol/line-reader.ts
 * (PROTOCOL.md "Lines"): `\n` ends a line and one `\r` before it is
 * dropped; a line longer than `max` bytes (terminator excluded) yields one
 * SC_LINE_TOO_LONG and is skipped up to its `\n`, holding at most max + 1
 * bytes meanwhile; empty lines are skipped.
 *
 * It does not decode. Each line is classified instead: SC_LINE_CLEAN is
 * valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF) without control characters other than TAB (no C0, DEL or C1),
 * so its bytes are already its decoded text; anything else is
 * SC_LINE_DIRTY, and JavaScript decodes it with decodeLine(), so the
 * replacement and removal rules exist in one place only.
 *
 * Returns >= 0 or a negated errno, like the rest of native/. */
#ifndef SC_LINES_H
#define SC_LINES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { SC_LINE_CLEAN = 1, SC_LINE_DIRTY = 2, SC_LINE_TOO_LONG = 3 };

/* One line found, laid out as four int32s so that a batch of them can be
 * handed to JavaScript as an Int32Array as is. */
typedef struct sc_line_s {
  int tag;    /* the caller's (the reader stores the fd) */
  int kind;   /* SC_LINE_* */
  int offset; /* base + position in the scanned buffer; 0 if TOO_LONG */
  int length;
} sc_line_t;

/* One connection's framing state: the start of an unfinished line. */
typedef struct sc_lines_s {
  uint8_t *partial; /* max + 1 bytes, allocated when first needed */
  int length;       /* bytes held in partial */
  int max;
  int discarding;   /* skipping the rest of an overlong line */
} sc_lines_t;

/* -EINVAL for max < 1. */
int sc_lines_init(sc_lines_t *lines, int max);
void sc_lines_free(sc_lines_t *lines);

/* Bytes held (the unfinished line); at most max + 1. */
int sc_lines_held(const sc_lines_t *lines);

/* Copy the unfinished line to dst (room for sc_lines_held bytes); the
 * caller then appends new bytes after it and scans the whole. */
void sc_lines_copy_held(const sc_lines_t *lines, uint8_t *dst);

/* Scan buf[0, length), whose first sc_lines_held() bytes are the copy made
 * by sc_lines_copy_held, and keep the unfinished tail. Lines go to `out`,
 * tagged `tag`, their offsets counted from `base`. `capacity` must be at
 * least SC_LINES_MAX_FOUND of the new bytes, length - sc_lines_held() (the
 * held bytes hold no `\n`): -ENOBUFS otherwise, with the state unchanged.
 * Returns the number of lines, or -ENOMEM. */
int sc_lines_scan(sc_lines_t *lines, const uint8_t *buf, int length, int tag,
                  int base, sc_line_t *out, int capacity);

/* Most lines `length` new bytes can end: each needs a byte and its `\n`
 * (the first one's byte may be held from before), plus one overlong
 * unfinished tail. */
#define SC_LINES_MAX_FOUND(length) ((length) / 2 + 2)

/* The unfinished line grows by bytes[0, length), which hold no `\n`: kept,
 * or found too long (one SC_LINE_TOO_LONG in *out, tagged `tag`), without
 * the copy and rescan sc_lines_scan would make of what is held. Returns the
 * number of lines (0 or 1), or -ENOMEM. */
int sc_lines_extend(sc_lines_t *lines, const uint8_t *bytes, int length,
                    int tag, sc_line_t *out);

/* SC_LINE_CLEAN or SC_LINE_DIRTY for bytes [0, length). */
int sc_lines_classify(const uint8_t *bytes, int length);

#ifdef __cplusplus
}
#endif

#endif /* SC_LINES_H */
