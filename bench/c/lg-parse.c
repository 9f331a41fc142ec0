/* The two line formats the generator reads, and the text it sends.
 *
 * Server lines: bare "MSG <fd> <text>" (ref-server's default) or
 * selectchat's "<time> MSG <nick> :<text>" (PROTOCOL.md: split on the first
 * " :"). Anything else (WELCOME, JOIN, QUIT, ...) is not a message.
 * Text: "<sender> <seq> <sent ns> " padded with 'x' to the chosen size. */
#define _GNU_SOURCE
#include "loadgen.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *lg_message_text(const char *line, const char *end) {
  const char *p;

  if (end - line > 4 && memcmp(line, "MSG ", 4) == 0) {
    p = memchr(line + 4, ' ', (size_t) (end - line - 4));
    return p == NULL ? NULL : p + 1;
  }
  p = memchr(line, ' ', (size_t) (end - line));
  if (p == NULL || end - p < 5 || memcmp(p + 1, "MSG ", 4) != 0)
    return NULL;
  p = memmem(p + 5, (size_t) (end - p - 5), " :", 2);
  return p == NULL ? NULL : p + 2;
}

static const char *parse_u64(const char *p, const char *end, uint64_t *out) {
  const char *start = p;
  uint64_t v = 0;

  while (p < end && *p >= '0' && *p <= '9')
    v = v * 10 + (uint64_t) (*p++ - '0');
  *out = v;
  return p > start && p < end && *p == ' ' ? p + 1 : NULL;
}

/* A wrong length means the server cut or mangled the text: -EBADMSG. */
int lg_parse_text(const char *text, const char *end, int size, uint64_t *sender,
                  uint64_t *seq, uint64_t *sent) {
  const char *p = parse_u64(text, end, sender);
  long header;

  if (p != NULL)
    p = parse_u64(p, end, seq);
  if (p != NULL)
    p = parse_u64(p, end, sent);
  if (p == NULL)
    return -EBADMSG;
  header = p - text;
  return end - text == (header > size ? header : size) ? 0 : -EBADMSG;
}

size_t lg_format_text(char *out, int size, int sender, uint64_t seq, uint64_t now) {
  int n = sprintf(out, "%d %llu %llu ", sender, (unsigned long long) seq,
                  (unsigned long long) now);

  if (n < size) {
    memset(out + n, 'x', (size_t) (size - n));
    n = size;
  }
  out[n] = '\n';
  return (size_t) n + 1;
}
