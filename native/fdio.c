/* Syscall wrappers for fdio.h: EINTR retried, -errno out, nothing else. */
#define _GNU_SOURCE
#include "fdio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define RETRY(call)                                                            \
  ({                                                                           \
    __typeof__(call) r_;                                                       \
    do                                                                         \
      r_ = (call);                                                             \
    while (r_ == -1 && errno == EINTR);                                        \
    r_ == -1 ? -errno : r_;                                                    \
  })

static int to_sockaddr(const char *host, int port,
                       struct sockaddr_storage *ss, socklen_t *len) {
  struct sockaddr_in *in4 = (struct sockaddr_in *) ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) ss;

  if (port < 0 || port > 65535)
    return -EINVAL;
  memset(ss, 0, sizeof(*ss));
  if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons((unsigned short) port);
    *len = sizeof(*in4);
    return 0;
  }
  if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((unsigned short) port);
    *len = sizeof(*in6);
    return 0;
  }
  return -EINVAL;
}

static int from_sockaddr(const struct sockaddr_storage *ss,
                         sc_address_t *address) {
  const struct sockaddr_in *in4 = (const struct sockaddr_in *) ss;
  const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) ss;

  if (ss->ss_family == AF_INET) {
    inet_ntop(AF_INET, &in4->sin_addr, address->host, sizeof(address->host));
    address->port = ntohs(in4->sin_port);
    address->family = 4;
    return 0;
  }
  if (ss->ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &in6->sin6_addr, address->host,
              sizeof(address->host));
    address->port = ntohs(in6->sin6_port);
    address->family = 6;
    return 0;
  }
  return -EAFNOSUPPORT;
}

int sc_fd_listen(const char *host, int port, int backlog) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd;
  int on = 1;
  int err;

  err = to_sockaddr(host, port, &ss, &len);
  if (err < 0)
    return err;
  fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
      bind(fd, (struct sockaddr *) &ss, len) < 0 || listen(fd, backlog) < 0) {
    err = -errno;
    close(fd);
    return err;
  }
  return fd;
}

int sc_fd_accept(int fd, sc_address_t *peer) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  int client;

  client = RETRY(accept4(fd, (struct sockaddr *) &ss, &len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (client >= 0 && peer != NULL && from_sockaddr(&ss, peer) < 0)
    memset(peer, 0, sizeof(*peer));
  return client;
}

int sc_fd_local_address(int fd, sc_address_t *address) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);

  if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0)
    return -errno;
  return from_sockaddr(&ss, address);
}

int sc_fd_peer_address(int fd, sc_address_t *address) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);

  if (getpeername(fd, (struct sockaddr *) &ss, &len) < 0)
    return -errno;
  return from_sockaddr(&ss, address);
}

ssize_t sc_fd_read(int fd, void *buf, size_t len) {
  return RETRY(read(fd, buf, len));
}

ssize_t sc_fd_write(int fd, const void *buf, size_t len) {
  return RETRY(send(fd, buf, len, MSG_NOSIGNAL));
}

ssize_t sc_fd_writev(int fd, const struct iovec *iov, int count) {
  struct msghdr msg;

  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = (struct iovec *) iov;
  msg.msg_iovlen = (size_t) count;
  return RETRY(sendmsg(fd, &msg, MSG_NOSIGNAL));
}

double sc_fd_send_ranges(const unsigned char *base, int *table, int rows) {
  double total = 0;
  int i;

  for (i = 0; i < rows; i++) {
    int *row = table + 4 * i;
    ssize_t n = sc_fd_write(row[0], base + row[1], (size_t) row[2]);
    row[3] = (int) n;
    if (n > 0)
      total += (double) n;
  }
  return total;
}

int sc_fd_iov_max(void) {
  return IOV_MAX;
}

int sc_fd_shutdown(int fd, int how) {
  return shutdown(fd, how) < 0 ? -errno : 0;
}

int sc_fd_close(int fd) {
  /* Linux frees the fd even when close() fails with EINTR: never retry, or
   * another thread's new fd could be closed by mistake. */
  if (close(fd) < 0 && errno != EINTR)
    return -errno;
  return 0;
}

int sc_fd_set_nodelay(int fd, int on) {
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0 ? -errno
                                                                         : 0;
}

/* Probes 1 s apart, 10 unanswered ones drop the peer: what libuv sets for
 * Node's own sockets, so every backend detects a vanished peer alike. */
#define SC_KEEPALIVE_INTERVAL 1
#define SC_KEEPALIVE_PROBES 10

int sc_fd_set_keepalive(int fd, int on, int idle_seconds) {
  int interval = SC_KEEPALIVE_INTERVAL;
  int probes = SC_KEEPALIVE_PROBES;

  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) < 0)
    return -errno;
  if (!on || idle_seconds <= 0)
    return 0;
  if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_seconds,
                 sizeof(idle_seconds)) < 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval,
                 sizeof(interval)) < 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes)) < 0)
    return -errno;
  return 0;
}

int sc_fd_dup_above(int fd, int min_fd) {
  return RETRY(fcntl(fd, F_DUPFD_CLOEXEC, min_fd));
}

int sc_fd_raise_limit(void) {
  struct rlimit limit;

  if (getrlimit(RLIMIT_NOFILE, &limit) < 0)
    return -errno;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) < 0)
      return -errno;
  }
  return limit.rlim_cur > INT_MAX ? INT_MAX : (int) limit.rlim_cur;
}
