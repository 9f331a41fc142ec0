/* The epoll(7) backend (Linux only; binding.gyp compiles it there).
 *
 * The kernel keeps the interest set, so a wait costs what is ready, not what
 * is watched: an idle fd costs nothing per call, which is the whole point of
 * epoll against select() and poll(). The price moves to interest changes:
 * each one is an epoll_ctl() system call.
 *
 * Fairness comes from the kernel. For level-triggered fds, epoll_wait()
 * puts each fd it reports back at the tail of its ready list, and fds left
 * out of a full batch stay at the head, so the next wait reports them first:
 * a full batch rotates through the ready fds instead of starving some. */
#include "backend.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

typedef struct {
  int epfd;
  struct epoll_event *events; /* epoll_wait()'s output */
  int size;                   /* entries allocated in events */
} epoll_state_t;

static int epoll_backend_create(void **state, int max_fds) {
  epoll_state_t *s = calloc(1, sizeof(*s));

  (void) max_fds; /* the kernel's set has no ceiling of its own */
  if (s == NULL)
    return -ENOMEM;
  /* Close-on-exec: a spawned child must not inherit, and keep open, the
   * set (nor, through it, references to our sockets). */
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (s->epfd < 0) {
    int err = -errno;

    free(s);
    return err;
  }
  *state = s;
  return 0;
}

static void epoll_backend_free(void *state) {
  epoll_state_t *s = state;

  if (s == NULL)
    return;
  close(s->epfd);
  free(s->events);
  free(s);
}

/* Tell the kernel fd's whole new interest: ADD or MOD depending on whether
 * it had one, DEL when none is left. */
static int update(epoll_state_t *s, int fd, int old_mask, int new_mask) {
  struct epoll_event ev = { 0 };
  int op;

  ev.events = ((new_mask & SC_READABLE) ? EPOLLIN : 0) |
              ((new_mask & SC_WRITABLE) ? EPOLLOUT : 0);
  ev.data.fd = fd;
  if (new_mask == 0)
    op = EPOLL_CTL_DEL;
  else
    op = old_mask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (epoll_ctl(s->epfd, op, fd, &ev) == 0)
    return 0;
  /* The kernel drops a closed fd from the set by itself: removing what is
   * already gone has done its job. */
  if (op == EPOLL_CTL_DEL && (errno == ENOENT || errno == EBADF))
    return 0;
  return -errno;
}

static int epoll_backend_add(void *state, int fd, int old_mask, int mask) {
  return update(state, fd, old_mask, old_mask | mask);
}

static int epoll_backend_del(void *state, int fd, int old_mask, int mask) {
  return update(state, fd, old_mask, old_mask & ~mask);
}

/* An error or hang-up is reported both ways, so that the owner's own read
 * or write finds out what happened (loop.c keeps only what is wanted). */
static int from_epoll(unsigned int events) {
  int mask = 0;

  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
    mask |= SC_READABLE;
  if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
    mask |= SC_WRITABLE;
  return mask;
}

static int epoll_backend_poll(void *state, int timeout_ms, sc_event_t *fired,
                              int capacity) {
  epoll_state_t *s = state;
  int n;
  int i;

  if (capacity > s->size) {
    struct epoll_event *events =
        realloc(s->events, (size_t) capacity * sizeof(*events));

    if (events == NULL)
      return -ENOMEM;
    s->events = events;
    s->size = capacity;
  }
  n = epoll_wait(s->epfd, s->events, capacity, timeout_ms);
  if (n < 0)
    return -errno;
  for (i = 0; i < n; i++) {
    fired[i].fd = s->events[i].data.fd;
    fired[i].events = from_epoll(s->events[i].events);
  }
  return n;
}

const sc_backend_t sc_backend_epoll = {
  "epoll",           epoll_backend_create, epoll_backend_free,
  epoll_backend_add, epoll_backend_del,    epoll_backend_poll,
};
