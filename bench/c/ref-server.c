/* The floor reference of `npm run bench`: a minimal select(2) broadcast
 * server, what a hundred lines of C do without trying to be clever.
 *
 * Per loop turn: one select(), one read() per readable client, split lines,
 * append each line to every client's output buffer (ref-clients.c), then
 * one write() per client with pending output.
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
#include "ref-server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

unsigned long want_read[WORDS], ready_write[WORDS];
static unsigned long ready_read[WORDS];
int maxfd;
int chat_format;

static void serve(int listener) {
  for (;;) {
    int words = maxfd / WORD_BITS + 1;

    memcpy(ready_read, want_read, sizeof(ready_read[0]) * (size_t) words);
    if (select(maxfd + 1, (fd_set *) ready_read, (fd_set *) ready_write, NULL,
               NULL) < 0 && errno != EINTR) {
      perror("select");
      exit(1);
    }
    if (chat_format)
      ref_update_stamp();
    if (has_bit(ready_read, listener))
      ref_accept_all(listener);
    ref_read_ready(ready_read, words);
    ref_write_all();
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
  ref_update_stamp();
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
