/* Bytes on a connection, plain or TLS (OpenSSL, when built with -DLG_TLS).
 *
 * TLS reads use OpenSSL's read-ahead into a large buffer, so a burst of
 * records costs about one read() as in plain mode; SSL_read is called again
 * only while OpenSSL still holds unprocessed bytes, and level-triggered
 * epoll reports what is left in the socket. Writes allow partial writes and
 * a moved buffer: the outbox only appends behind what a retry must resend.
 * The server's certificate is not verified: this is a benchmark against a
 * server we started ourselves, usually with a self-signed certificate. */
#include "loadgen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef LG_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>

static SSL_CTX *ctx;
static SSL **ssls;
#endif

static int *fds;
static int use_tls;

int lg_io_available_tls(void) {
#ifdef LG_TLS
  return 1;
#else
  return 0;
#endif
}

int lg_io_init(int connections, int tls) {
  fds = calloc((size_t) connections, sizeof(int));
  if (fds == NULL)
    return -ENOMEM;
  use_tls = tls;
  if (!tls)
    return 0;
#ifdef LG_TLS
  ssls = calloc((size_t) connections, sizeof(SSL *));
  ctx = SSL_CTX_new(TLS_client_method());
  if (ssls == NULL || ctx == NULL)
    return -ENOMEM;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_read_ahead(ctx, 1);
  SSL_CTX_set_default_read_buffer_len(ctx, 256 * 1024);
  return 0;
#else
  return -ENOTSUP;
#endif
}

#ifdef LG_TLS
static void tls_error(int index, const char *what) {
  char text[256];

  ERR_error_string_n(ERR_get_error(), text, sizeof(text));
  fprintf(stderr, "loadgen: client #%d: %s: %s\n", index, what, text);
}

/* SSL_ERROR_WANT_* as -EAGAIN, a closed connection as 0, the rest -EPROTO. */
static ssize_t tls_result(int index, int n, const char *what) {
  int err;

  if (n > 0)
    return n;
  err = SSL_get_error(ssls[index], n);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
    return -EAGAIN;
  if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && errno == 0))
    return 0;
  if (err == SSL_ERROR_SYSCALL)
    return -errno;
  tls_error(index, what);
  return -EPROTO;
}
#endif

/* A connected, non-blocking socket; with TLS, the ClientHello goes out. */
int lg_io_attach(int index, int fd) {
#ifdef LG_TLS
  ssize_t n;
#endif

  fds[index] = fd;
  if (!use_tls)
    return 0;
#ifdef LG_TLS
  ssls[index] = SSL_new(ctx);
  if (ssls[index] == NULL || SSL_set_fd(ssls[index], fd) != 1)
    return -ENOMEM;
  SSL_set_connect_state(ssls[index]);
  /* A fresh socket takes the ClientHello whole, so -EAGAIN is waiting for
   * the server's answer; it may even have come already (done: 1). */
  n = tls_result(index, SSL_do_handshake(ssls[index]), "handshake");
  if (n > 0 || n == -EAGAIN)
    return 0;
  return n == 0 ? -ECONNRESET : (int) n;
#else
  return -ENOTSUP;
#endif
}

ssize_t lg_io_read(int index, char *buf, size_t cap) {
  ssize_t n;

  if (!use_tls) {
    n = read(fds[index], buf, cap);
    lg_syscalls.reads++;
    return n < 0 ? -errno : n;
  }
#ifdef LG_TLS
  ssize_t total = 0;

  do {
    n = tls_result(index, SSL_read(ssls[index], buf + total, (int) (cap - (size_t) total)), "read");
    if (n <= 0)
      return total > 0 ? total : n;
    total += n;
  } while ((size_t) total < cap && SSL_has_pending(ssls[index]));
  lg_syscalls.reads++;
  return total;
#else
  return -ENOTSUP;
#endif
}

ssize_t lg_io_write(int index, const char *buf, size_t len) {
  ssize_t n;

  lg_syscalls.writes++;
  if (!use_tls) {
    n = write(fds[index], buf, len);
    return n < 0 ? -errno : n;
  }
#ifdef LG_TLS
  return tls_result(index, SSL_write(ssls[index], buf, (int) len), "write");
#else
  return -ENOTSUP;
#endif
}
