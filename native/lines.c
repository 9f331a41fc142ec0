/* Line framing for lines.h: split, enforce the limit, classify. */
#include "lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LF 0x0a
#define CR 0x0d
#define TAB 0x09
#define DEL 0x7f

int sc_lines_init(sc_lines_t *lines, int max) {
  if (max < 1)
    return -EINVAL;
  memset(lines, 0, sizeof(*lines));
  lines->max = max;
  return 0;
}

void sc_lines_free(sc_lines_t *lines) {
  free(lines->partial);
  lines->partial = NULL;
  lines->length = 0;
}

int sc_lines_held(const sc_lines_t *lines) {
  return lines->length;
}

void sc_lines_copy_held(const sc_lines_t *lines, uint8_t *dst) {
  if (lines->length > 0)
    memcpy(dst, lines->partial, (size_t) lines->length);
}

static int is_cont(uint8_t b) {
  return (b & 0xc0) == 0x80;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0 if it
 * is invalid, truncated, or the C1 control U+0080..U+009F. */
static int sequence_length(const uint8_t *p, const uint8_t *end) {
  uint8_t b = p[0];
  uint8_t lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
  int n;

  if (b >= 0xc2 && b <= 0xdf)
    n = 2, lo = b == 0xc2 ? 0xa0 : 0x80; /* 0xc2 0x80..0x9f is C1 */
  else if (b >= 0xe0 && b <= 0xef)
    n = 3, lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
  else if (b >= 0xf0 && b <= 0xf4)
    n = 4, lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
  else
    return 0;
  if (end - p < n || p[1] < lo || p[1] > hi)
    return 0;
  if ((n > 2 && !is_cont(p[2])) || (n > 3 && !is_cont(p[3])))
    return 0;
  return n;
}

int sc_lines_classify(const uint8_t *bytes, int length) {
  const uint8_t *p = bytes;
  const uint8_t *end = bytes + length;

  while (p < end) {
    uint8_t b = *p;
    if (b >= 0x20 && b < DEL) {
      p++;
    } else if (b == TAB) {
      p++;
    } else if (b > DEL) {
      int n = sequence_length(p, end);
      if (n == 0)
        return SC_LINE_DIRTY;
      p += n;
    } else {
      return SC_LINE_DIRTY; /* C0 or DEL */
    }
  }
  return SC_LINE_CLEAN;
}

/* One complete line buf[start, lf): at most one record. */
static int end_line(const sc_lines_t *lines, const uint8_t *buf, int start,
                    int lf, sc_line_t *out, int base) {
  int end = lf;

  if (end > start && buf[end - 1] == CR)
    end--;
  if (end - start > lines->max) {
    out->kind = SC_LINE_TOO_LONG, out->offset = 0, out->length = 0;
    return 1;
  }
  if (end == start)
    return 0;
  out->kind = sc_lines_classify(buf + start, end - start);
  out->offset = base + start;
  out->length = end - start;
  return 1;
}

/* The unfinished line is too long: one record, then skip to its `\n`. */
static void give_up(sc_lines_t *lines, sc_line_t *out) {
  lines->length = 0;
  lines->discarding = 1;
  out->kind = SC_LINE_TOO_LONG, out->offset = 0, out->length = 0;
}

static int reserve(sc_lines_t *lines) {
  if (lines->partial == NULL)
    lines->partial = malloc((size_t) lines->max + 1);
  return lines->partial == NULL ? -ENOMEM : 0;
}

/* Keep the unfinished tail buf[start, length), or give up on it. */
static int keep_tail(sc_lines_t *lines, const uint8_t *buf, int start,
                     int length, sc_line_t *out) {
  int tail = length - start;

  lines->length = 0;
  /* One byte of slack: a line of exactly max may still get its `\r`. */
  if (tail > lines->max + 1) {
    give_up(lines, out);
    return 1;
  }
  if (tail > 0) {
    if (reserve(lines) < 0)
      return -ENOMEM;
    memmove(lines->partial, buf + start, (size_t) tail);
    lines->length = tail;
  }
  return 0;
}

int sc_lines_extend(sc_lines_t *lines, const uint8_t *bytes, int length,
                    int tag, sc_line_t *out) {
  if (lines->discarding)
    return 0;
  if (lines->length + length > lines->max + 1) {
    give_up(lines, out);
    out->tag = tag;
    return 1;
  }
  if (reserve(lines) < 0)
    return -ENOMEM;
  memcpy(lines->partial + lines->length, bytes, (size_t) length);
  lines->length += length;
  return 0;
}

int sc_lines_scan(sc_lines_t *lines, const uint8_t *buf, int length, int tag,
                  int base, sc_line_t *out, int capacity) {
  int start = 0;
  int count = 0;
  int ret;
  int i;

  /* The held bytes end no line: only the new ones count. */
  if (capacity < SC_LINES_MAX_FOUND(length - lines->length))
    return -ENOBUFS;
  for (;;) {
    const uint8_t *lf = memchr(buf + start, LF, (size_t) (length - start));
    if (lf == NULL)
      break;
    if (lines->discarding)
      lines->discarding = 0; /* the overlong line ends here, unreported */
    else
      count += end_line(lines, buf, start, (int) (lf - buf), out + count, base);
    start = (int) (lf - buf) + 1;
  }
  if (lines->discarding) {
    lines->length = 0;
  } else {
    ret = keep_tail(lines, buf, start, length, out + count);
    if (ret < 0)
      return ret;
    count += ret;
  }
  for (i = 0; i < count; i++)
    out[i].tag = tag;
  return count;
}
