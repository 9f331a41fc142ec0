/* The line formats the generator reads, and the text it sends.
 *
 * Server lines: bare "MSG <fd> <text>" and "WHISPER <fd> <fd> <text>"
 * (ref-server's default), or selectchat's "<time> MSG <nick> :<text>" and
 * "<time> WHISPER <from> <to> :<text>" (PROTOCOL.md: split on the first
 * " :"). Anything else (WELCOME, JOIN, QUIT, ...) is not a message.
 * Text: "<sender> <seq> <sent ns> " padded with 'x' to the chosen size. The
 * send time is for a human reading a capture: the generator takes it from
 * its own record of the message, which saves parsing 19 digits per
 * delivery. */
#define _GNU_SOURCE
#include "loadgen.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int starts(const char *p, const char *end, const char *word) {
  size_t n = strlen(word);

  return (size_t) (end - p) > n && memcmp(p, word, n) == 0;
}

/* After `spaces` more spaces, or NULL. */
static const char *skip_words(const char *p, const char *end, int spaces) {
  for (; p != NULL && spaces > 0; spaces--) {
    p = memchr(p, ' ', (size_t) (end - p));
    p = p == NULL ? NULL : p + 1;
  }
  return p;
}

const char *lg_message_text(const char *line, const char *end) {
  const char *p;

  if (starts(line, end, "MSG "))
    return skip_words(line, end, 2);
  if (starts(line, end, "WHISPER "))
    return skip_words(line, end, 3);
  p = skip_words(line, end, 1);
  if (p == NULL || !(starts(p, end, "MSG ") || starts(p, end, "WHISPER ")))
    return NULL;
  p = memmem(p, (size_t) (end - p), " :", 2);
  return p == NULL ? NULL : p + 2;
}

/* The nick of a WELCOME line: its third word in selectchat's format, the
 * second (the fd) in ref-server's; copied to `nick` (LG_NICK_CAP). */
int lg_welcome_nick(const char *line, const char *end, char *nick) {
  const char *p = line, *stop;

  if (!starts(p, end, "WELCOME ")) {
    p = skip_words(p, end, 1);
    if (p == NULL || !starts(p, end, "WELCOME "))
      return -EBADMSG;
  }
  p += 8;
  stop = memchr(p, ' ', (size_t) (end - p));
  stop = stop == NULL ? end : stop;
  if (stop == p || stop - p >= LG_NICK_CAP)
    return -EBADMSG;
  memcpy(nick, p, (size_t) (stop - p));
  nick[stop - p] = '\0';
  return 0;
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
                  uint64_t *seq) {
  const char *p = parse_u64(text, end, sender);
  long header;

  if (p != NULL)
    p = parse_u64(p, end, seq);
  if (p != NULL && p < end && *p >= '0' && *p <= '9')
    p = skip_words(p, end, 1);
  else
    p = NULL;
  if (p == NULL)
    return -EBADMSG;
  header = p - text;
  return end - text == (header > size ? header : size) ? 0 : -EBADMSG;
}

size_t lg_format_text(char *out, const char *prefix, int size, int sender, uint64_t seq,
                      uint64_t now) {
  size_t skip = strlen(prefix);
  int n;

  memcpy(out, prefix, skip);
  n = sprintf(out + skip, "%d %llu %llu ", sender, (unsigned long long) seq,
              (unsigned long long) now);
  if (n < size) {
    memset(out + skip + n, 'x', (size_t) (size - n));
    n = size;
  }
  out[skip + (size_t) n] = '\n';
  return skip + (size_t) n + 1;
}
