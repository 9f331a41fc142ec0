/* The client side: N connections (plus any idle ones) on one epoll, server
 * lines parsed into deliveries.
 *
 * Level-triggered, one read of up to 256 KiB per ready connection per turn
 * (lg-io.c): a burst of lines costs one syscall. Sending is lg-send.c's. */
#define _GNU_SOURCE
#include "loadgen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define READ_CAP (256 * 1024)
#define MAX_EVENTS 1024

typedef struct {
  int fd;
  int greeted;
  size_t carry_len; /* a partial line kept from the last read */
  char carry[LG_CARRY_CAP];
  char nick[LG_NICK_CAP];
} conn_t;

static const lg_options_t *opt;
static conn_t *conns;
static int epfd, greeted;
lg_syscalls_t lg_syscalls;
static char read_buf[LG_CARRY_CAP + READ_CAP];

void lg_fatal(const char *what, int err) {
  fprintf(stderr, "loadgen: %s: %s\n", what, strerror(err));
  exit(1);
}

int lg_conn_init(const lg_options_t *o) {
  int total = o->clients + o->idle;

  opt = o;
  conns = calloc((size_t) total, sizeof(conn_t));
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (conns == NULL || epfd < 0)
    return -ENOMEM;
  return lg_io_init(total, o->tls);
}

/* Source 127.0.x.y, one of opt->addrs, so neither ephemeral ports nor a
 * server's per-address limits run out; the port is left to connect(). */
static int bind_source(int fd, int index) {
  struct sockaddr_in sa = { .sin_family = AF_INET };
  int k = index % opt->addrs, on = 1;

  sa.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t) (k / 254) << 8 |
                             (uint32_t) (k % 254 + 1));
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof(on));
  return bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ? -errno : 0;
}

/* A blocking connect (loopback answers at once), then non-blocking reads. */
int lg_conn_open(int index) {
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(opt->port) };
  struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t) index };
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
  int err = 0;

  if (fd < 0)
    return -errno;
  if (inet_pton(AF_INET, opt->host, &sa.sin_addr) != 1)
    err = -EINVAL;
  else if (bind_source(fd, index) < 0 ||
           connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
           setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0 ||
           fcntl(fd, F_SETFL, O_NONBLOCK) < 0 ||
           epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
    err = -errno;
  if (err == 0)
    err = lg_io_attach(index, fd);
  if (err < 0) {
    close(fd);
    return err;
  }
  conns[index].fd = fd;
  return 0;
}

int lg_conn_greeted(void) {
  return greeted;
}

const char *lg_conn_nick(int index) {
  return conns[index].nick;
}

/* A delivery: check it, count it, time it; a completed message earns its
 * sender a credit for the next one. An idle connection gets nothing. */
static void on_message(int receiver, const char *text, const char *end,
                       uint64_t now, lg_hist_t *latency) {
  uint64_t sender, seq, sent;

  if (receiver >= opt->clients || lg_parse_text(text, end, opt->size, &sender, &seq) < 0) {
    lg_counts.bad++;
    return;
  }
  switch (lg_track_deliver(receiver, (unsigned) sender, seq, &sent)) {
  case 1:
    lg_send_credit((int) sender);
    /* fall through */
  case 0:
    if (latency != NULL)
      lg_hist_record(latency, now - sent);
  }
}

static void on_line(int index, const char *line, const char *end, uint64_t now,
                    lg_hist_t *latency) {
  const char *text;

  /* The first line is the greeting: from then on this client is in the
   * room and will get every broadcast. */
  if (!conns[index].greeted) {
    if (lg_welcome_nick(line, end, conns[index].nick) < 0)
      lg_fatal("the first line is no WELCOME", EBADMSG);
    conns[index].greeted = 1;
    greeted++;
    return;
  }
  text = lg_message_text(line, end);
  if (text == NULL)
    lg_counts.other_lines++;
  else
    on_message(index, text, end, now, latency);
}

static void read_conn(int index, lg_hist_t *latency) {
  conn_t *c = &conns[index];
  char *p = read_buf, *end, *nl;
  ssize_t n;
  uint64_t now;

  memcpy(read_buf, c->carry, c->carry_len);
  n = lg_io_read(index, read_buf + c->carry_len, READ_CAP);
  if (n == -EAGAIN || n == -EINTR)
    return;
  if (n <= 0) {
    fprintf(stderr, "loadgen: client #%d (fd %d, %s): %s\n", index, c->fd,
            c->greeted ? "greeted" : "not greeted yet",
            n == 0 ? "the server closed the connection" : strerror((int) -n));
    exit(1);
  }
  now = lg_now_ns();
  end = read_buf + c->carry_len + n;
  while ((nl = memchr(p, '\n', (size_t) (end - p))) != NULL) {
    on_line(index, p, nl, now, latency);
    p = nl + 1;
  }
  c->carry_len = (size_t) (end - p);
  if (c->carry_len > LG_CARRY_CAP)
    lg_fatal("a server line is too long", EMSGSIZE);
  memcpy(c->carry, p, c->carry_len);
}

/* EPOLLOUT only while a sender has output the socket did not take. */
void lg_conn_watch_output(int index, int on) {
  struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0),
                            .data.u32 = (uint32_t) index };

  if (epoll_ctl(epfd, EPOLL_CTL_MOD, conns[index].fd, &ev) < 0)
    lg_fatal("epoll_ctl", errno);
}

/* One epoll turn: read every ready connection, flush stalled senders.
 * Latencies are recorded into `latency` unless it is NULL. */
void lg_conn_turn(int timeout_ms, lg_hist_t *latency) {
  static struct epoll_event events[MAX_EVENTS];
  int n = epoll_wait(epfd, events, MAX_EVENTS, timeout_ms), i;

  lg_syscalls.waits++;
  if (n < 0 && errno != EINTR)
    lg_fatal("epoll_wait", errno);
  for (i = 0; i < n; i++) {
    int index = (int) events[i].data.u32;

    if (events[i].events & EPOLLOUT)
      lg_send_flush_client(index);
    if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
      read_conn(index, latency);
  }
}
