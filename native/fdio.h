/* Non-blocking socket primitives over raw fds: syscalls only, no policy.
 *
 * Every function retries EINTR and returns >= 0 on success or a negated
 * errno; -EAGAIN means "would block" and is a state, not a failure. A read
 * of 0 bytes is end of file. */
#ifndef SC_FDIO_H
#define SC_FDIO_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Enough for an IPv6 address in text ("ffff:...:255.255.255.255"). */
#define SC_ADDRSTRLEN 64

typedef struct sc_address_s {
  char host[SC_ADDRSTRLEN];
  int port;
  int family; /* 4 or 6 */
} sc_address_t;

/* A listening TCP socket on a numeric IPv4 or IPv6 address, non-blocking,
 * close-on-exec, with SO_REUSEADDR. Returns the fd; -EINVAL for a host that
 * is not a numeric address. */
int sc_fd_listen(const char *host, int port, int backlog);

/* accept4(SOCK_NONBLOCK | SOCK_CLOEXEC); fills `peer` when not NULL. */
int sc_fd_accept(int fd, sc_address_t *peer);

int sc_fd_local_address(int fd, sc_address_t *address);
int sc_fd_peer_address(int fd, sc_address_t *address);

ssize_t sc_fd_read(int fd, void *buf, size_t len);
/* Writes never raise SIGPIPE: a closed peer is -EPIPE. */
ssize_t sc_fd_write(int fd, const void *buf, size_t len);
/* At most sc_fd_iov_max() buffers per call. */
ssize_t sc_fd_writev(int fd, const struct iovec *iov, int count);
int sc_fd_iov_max(void);

/* One send() per entry of `table`, rows of four int32s
 * [fd, offset, length, result]: bytes [offset, offset + length) of `base`
 * go to fd and the bytes written (or a negated errno) land in result. The
 * caller has checked every range against base's size. This is a turn's
 * whole fan-out in one call: the lines every client is owed lie in one
 * shared buffer. Returns the total of bytes written. */
double sc_fd_send_ranges(const unsigned char *base, int *table, int rows);

int sc_fd_shutdown(int fd, int how); /* SHUT_RD, SHUT_WR, SHUT_RDWR */
int sc_fd_close(int fd);

int sc_fd_set_nodelay(int fd, int on);
/* idle_seconds <= 0 keeps the kernel's defaults; otherwise probes then go
 * every second, and 10 unanswered ones drop the connection (ETIMEDOUT). */
int sc_fd_set_keepalive(int fd, int on, int idle_seconds);

/* Raise the soft RLIMIT_NOFILE to the hard limit; returns the new soft
 * limit (capped at INT_MAX). */
int sc_fd_raise_limit(void);

/* A close-on-exec duplicate of fd numbered min_fd or above. */
int sc_fd_dup_above(int fd, int min_fd);

#ifdef __cplusplus
}
#endif

#endif /* SC_FDIO_H */
