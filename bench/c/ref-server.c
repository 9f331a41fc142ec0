/* The floor reference of `npm run bench`: a minimal select(2) broadcast
 * server, what a hundred lines of C do without trying to be clever.
 *
 * Per loop turn: one select(), one read() per readable client, split lines,
 * append each line to every client's output buffer (the sender's too, since
 * selectchat echoes MSG to the sender), then one write() per client with
 * pending output. Each message is copied into N buffers: that is the cost a
 * shared per-turn buffer avoids.
 *
 *   ref-server --port 0 [--host 127.0.0.1] [--format bare|chat]
 *
 * bare (default): "MSG <fd> <line>\n", the reference of performance-notes.
 * chat: "<ISO time> MSG guest-<n> :<line>\n", selectchat's own line, as a
 * control: bare vs chat is the format's cost, chat vs selectchat is Node's.
 * Every client first gets a WELCOME line, so a load generator knows it has
 * been accepted (and will not miss a broadcast) before it sends.
 *
 * It owns its fd bitmaps, as native/backend_select.c does, so it serves past
 * FD_SETSIZE (1024): Linux's select() takes any nfds if the sets are big
 * enough. Prints "listening on HOST:PORT" once it listens. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 16384
#define IN_CAP 8192
#define LINE_CAP (IN_CAP + 128)
#define WORD_BITS ((int) (8 * sizeof(unsigned long)))
#define WORDS (MAX_FDS / WORD_BITS)

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
static unsigned long want_read[WORDS], ready_read[WORDS], ready_write[WORDS];
static int maxfd;
static int chat_format;
static unsigned next_guest = 1;
static char stamp[32]; /* the turn's ISO time, chat format only */

static void set_bit(unsigned long *set, int fd) {
  set[fd / WORD_BITS] |= 1UL << (fd % WORD_BITS);
}

static int has_bit(const unsigned long *set, int fd) {
  return (set[fd / WORD_BITS] >> (fd % WORD_BITS)) & 1;
}

/* Once per turn, not per message: selectchat caches its prefix per ms too. */
static void update_stamp(void) {
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
  want_read[fd / WORD_BITS] &= ~(1UL << (fd % WORD_BITS));
  ready_write[fd / WORD_BITS] &= ~(1UL << (fd % WORD_BITS));
  free(clients[fd]->out);
  free(clients[fd]);
  clients[fd] = NULL;
  for (i = 0; i < live_count && live[i] != fd; i++)
    ;
  live[i] = live[--live_count];
}

static void accept_all(int listener) {
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

/* One read(); complete lines are broadcast, a partial one is kept. A line
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
      broadcast(fd, start, len);
    start = nl + 1;
  }
  c->in_len = (size_t) (end - start);
  if (c->in_len == IN_CAP)
    c->in_len = 0;
  memmove(c->in, start, c->in_len);
}

/* One write() per client with pending output; what is left waits for the
 * write set. A failed write drops the client. */
static void write_all(void) {
  int i;

  memset(ready_write, 0, sizeof(ready_write[0]) * (maxfd / WORD_BITS + 1));
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

static void serve(int listener) {
  for (;;) {
    int words = maxfd / WORD_BITS + 1, i;

    memcpy(ready_read, want_read, sizeof(ready_read[0]) * (size_t) words);
    if (select(maxfd + 1, (fd_set *) ready_read, (fd_set *) ready_write, NULL,
               NULL) < 0 && errno != EINTR) {
      perror("select");
      exit(1);
    }
    if (chat_format)
      update_stamp();
    if (has_bit(ready_read, listener))
      accept_all(listener);
    /* Backwards: drop() moves the last entry into the hole. */
    for (i = live_count - 1; i >= 0; i--)
      if (live[i] < words * WORD_BITS && has_bit(ready_read, live[i]))
        read_client(live[i]);
    write_all();
  }
}

static int listen_on(const char *host, int port) {
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
  socklen_t len = sizeof(sa);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), on = 1;

  if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
      bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
      listen(fd, 4096) < 0 || getsockname(fd, (struct sockaddr *) &sa, &len) < 0)
    return -errno;
  printf("listening on %s:%d\n", host, ntohs(sa.sin_port));
  fflush(stdout);
  return fd;
}

int main(int argc, char **argv) {
  const char *host = "127.0.0.1";
  struct rlimit rl;
  int port = 7000, i, fd;

  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--port") == 0)
      port = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--host") == 0)
      host = argv[i + 1];
    else if (strcmp(argv[i], "--format") == 0)
      chat_format = strcmp(argv[i + 1], "chat") == 0;
    else
      break;
  }
  if (i != argc) {
    fprintf(stderr, "usage: ref-server [--host A] [--port P] [--format bare|chat]\n");
    return 2;
  }
  /* Past 1024 clients the fds must exist before the bitmaps matter. */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  signal(SIGPIPE, SIG_IGN);
  update_stamp();
  fd = listen_on(host, port);
  if (fd < 0) {
    fprintf(stderr, "cannot listen on %s:%d: %s\n", host, port, strerror(-fd));
    return 1;
  }
  set_bit(want_read, fd);
  maxfd = fd;
  serve(fd);
  return 0;
}
