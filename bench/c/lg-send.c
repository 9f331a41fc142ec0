/* The senders: each replaces its completed messages once per turn.
 *
 * A sender whose messages completed during a turn writes all their
 * replacements in one write at the end of the turn, so the generator's
 * syscalls per message stay well below the server's. A sender whose socket
 * did not take everything waits for EPOLLOUT. With --whisper 1 each text
 * goes to its own sender as "/whisper <own nick> <text>": one receiver. */
#include "loadgen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int credits;  /* completed messages not yet replaced */
  int watching; /* for EPOLLOUT */
  char prefix[LG_NICK_CAP + 16];
  char *out;
  size_t len, off, cap;
} outbox_t;

static const lg_options_t *opt;
static outbox_t *outboxes;

int lg_send_init(const lg_options_t *o) {
  int i;

  opt = o;
  outboxes = calloc((size_t) o->senders, sizeof(outbox_t));
  if (outboxes == NULL)
    return -ENOMEM;
  for (i = 0; i < o->senders; i++) {
    /* A sender never has more than its window unsent. */
    outboxes[i].cap = (size_t) lg_track_window(i) * (size_t) (o->size + 64 + LG_NICK_CAP + 16);
    outboxes[i].out = malloc(outboxes[i].cap);
    if (outboxes[i].out == NULL)
      return -ENOMEM;
  }
  return 0;
}

static void flush(int sender) {
  outbox_t *o = &outboxes[sender];
  int client = lg_track_client(sender);
  ssize_t n = lg_io_write(client, o->out + o->off, o->len - o->off);

  if (n < 0 && n != -EAGAIN && n != -EINTR)
    lg_fatal("write", (int) -n);
  if (n > 0)
    o->off += (size_t) n;
  if (o->off < o->len) {
    if (!o->watching)
      lg_conn_watch_output(client, 1);
    o->watching = 1;
    return;
  }
  o->len = o->off = 0;
  if (o->watching)
    lg_conn_watch_output(client, 0);
  o->watching = 0;
}

void lg_send_flush_client(int client) {
  int s;

  for (s = 0; s < opt->senders; s++)
    if (lg_track_client(s) == client)
      flush(s);
}

void lg_send_all(void) {
  int s;

  for (s = 0; s < opt->senders; s++) {
    outbox_t *o = &outboxes[s];

    if (o->credits == 0)
      continue;
    /* Pending + new never exceed the window, which the buffer holds. */
    memmove(o->out, o->out + o->off, o->len - o->off);
    o->len -= o->off;
    o->off = 0;
    for (; o->credits > 0; o->credits--) {
      uint64_t now = lg_now_ns();

      o->len += lg_format_text(o->out + o->len, o->prefix, opt->size, s,
                               lg_track_send(s, now), now);
    }
    if (!o->watching)
      flush(s);
  }
}

/* The whole window at the start, once every client is greeted (and so has
 * its nick). */
void lg_send_start(void) {
  int s;

  for (s = 0; s < opt->senders; s++) {
    if (opt->whisper)
      snprintf(outboxes[s].prefix, sizeof(outboxes[s].prefix), "/whisper %s ",
               lg_conn_nick(lg_track_client(s)));
    outboxes[s].credits = lg_track_window(s);
  }
}

void lg_send_credit(int sender) {
  outboxes[sender].credits++;
}
