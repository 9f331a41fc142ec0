/* The clients of ref-server: their buffers, and what each line does.
 *
 * A line is appended to every client's output buffer (the sender's too,
 * since selectchat echoes MSG to the sender): each message is copied into
 * N buffers, the cost a shared per-turn buffer avoids. A line starting with
 * "/whisper " goes back to its sender alone, whatever the target: it is the
 * private message of the idle-connection experiment, where idle clients
 * must receive nothing. */
#define _GNU_SOURCE
#include "ref-server.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_CAP 8192
#define LINE_CAP (IN_CAP + 128)
#define WHISPER "/whisper "

typedef struct {
  char *out;
  size_t out_len, out_off, out_cap;
  size_t in_len;
  unsigned guest;
  char in[IN_CAP];
} client_t;

static client_t *clients[MAX_FDS];
static int live[MAX_FDS]; /* dense list of client fds, for the fan-out */
static int live_count;
static unsigned next_guest = 1;
static char stamp[32];

void ref_update_stamp(void) {
  struct timespec ts;
  struct tm tm;
  size_t n;

  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(stamp + n, sizeof(stamp) - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

static void append(client_t *c, const char *data, size_t len) {
  if (c->out_off > 0 && c->out_off == c->out_len)
    c->out_off = c->out_len = 0;
  if (c->out_len + len > c->out_cap) {
    size_t cap = c->out_cap > 0 ? c->out_cap : 4096;

    while (cap < c->out_len + len)
      cap *= 2;
    c->out = realloc(c->out, cap);
    if (c->out == NULL) {
      perror("realloc");
      exit(1);
    }
    c->out_cap = cap;
  }
  memcpy(c->out + c->out_len, data, len);
  c->out_len += len;
}

static void drop(int fd) {
  int i;

  close(fd);
  /* Out of both sets: select() on a closed fd fails with EBADF. */
  clear_bit(want_read, fd);
  clear_bit(ready_write, fd);
  free(clients[fd]->out);
  free(clients[fd]);
  clients[fd] = NULL;
  for (i = 0; i < live_count && live[i] != fd; i++)
    ;
  live[i] = live[--live_count];
}

void ref_accept_all(int listener) {
  char line[128];
  int fd, on = 1, n;

  while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
    if (fd >= MAX_FDS || (clients[fd] = calloc(1, sizeof(client_t))) == NULL) {
      close(fd);
      continue;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    clients[fd]->guest = next_guest++;
    live[live_count++] = fd;
    set_bit(want_read, fd);
    if (fd > maxfd)
      maxfd = fd;
    if (chat_format)
      n = snprintf(line, sizeof(line), "%s WELCOME guest-%u :welcome\n", stamp,
                   clients[fd]->guest);
    else
      n = snprintf(line, sizeof(line), "WELCOME %d\n", fd);
    append(clients[fd], line, (size_t) n);
  }
}

/* Format one line once, then copy it into every client's buffer. */
static void broadcast(int from, const char *text, size_t len) {
  static char line[LINE_CAP];
  int n, i;

  if (chat_format)
    n = snprintf(line, sizeof(line), "%s MSG guest-%u :%.*s\n", stamp,
                 clients[from]->guest, (int) len, text);
  else
    n = snprintf(line, sizeof(line), "MSG %d %.*s\n", from, (int) len, text);
  if (n >= (int) sizeof(line))
    return;
  for (i = 0; i < live_count; i++)
    append(clients[live[i]], line, (size_t) n);
}

/* "/whisper <anyone> <text>" back to the sender only. */
static void whisper(int from, const char *args, size_t len) {
  static char line[LINE_CAP];
  const char *text = memchr(args, ' ', len);
  unsigned guest = clients[from]->guest;
  int n;

  if (text == NULL)
    return;
  text++;
  len -= (size_t) (text - args);
  if (chat_format)
    n = snprintf(line, sizeof(line), "%s WHISPER guest-%u guest-%u :%.*s\n", stamp, guest,
                 guest, (int) len, text);
  else
    n = snprintf(line, sizeof(line), "WHISPER %d %d %.*s\n", from, from, (int) len, text);
  if (n < (int) sizeof(line))
    append(clients[from], line, (size_t) n);
}

static void on_line(int fd, const char *line, size_t len) {
  size_t prefix = sizeof(WHISPER) - 1;

  if (len > prefix && memcmp(line, WHISPER, prefix) == 0)
    whisper(fd, line + prefix, len - prefix);
  else
    broadcast(fd, line, len);
}

/* One read(); complete lines are handled, a partial one is kept. A line
 * longer than the buffer is dropped: this server is a yardstick, not a
 * chat room. */
static void read_client(int fd) {
  client_t *c = clients[fd];
  ssize_t n = read(fd, c->in + c->in_len, IN_CAP - c->in_len);
  char *start = c->in, *nl, *end;

  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    drop(fd);
    return;
  }
  if (n < 0)
    return;
  end = c->in + c->in_len + n;
  while ((nl = memchr(start, '\n', (size_t) (end - start))) != NULL) {
    size_t len = (size_t) (nl - start);

    if (len > 0 && start[len - 1] == '\r')
      len--;
    if (len > 0)
      on_line(fd, start, len);
    start = nl + 1;
  }
  c->in_len = (size_t) (end - start);
  if (c->in_len == IN_CAP)
    c->in_len = 0;
  memmove(c->in, start, c->in_len);
}

void ref_read_ready(const unsigned long *ready, int words) {
  int i;

  /* Backwards: drop() moves the last entry into the hole. */
  for (i = live_count - 1; i >= 0; i--)
    if (live[i] < words * WORD_BITS && has_bit(ready, live[i]))
      read_client(live[i]);
}

/* What is left after one write() waits for the write set. A failed write
 * drops the client. */
void ref_write_all(void) {
  int i;

  memset(ready_write, 0, sizeof(ready_write[0]) * (size_t) (maxfd / WORD_BITS + 1));
  for (i = live_count - 1; i >= 0; i--) {
    int fd = live[i];
    client_t *c = clients[fd];
    ssize_t n;

    if (c->out_len == c->out_off)
      continue;
    n = write(fd, c->out + c->out_off, c->out_len - c->out_off);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      drop(fd);
      continue;
    }
    if (n > 0)
      c->out_off += (size_t) n;
    if (c->out_off < c->out_len)
      set_bit(ready_write, fd);
  }
}
