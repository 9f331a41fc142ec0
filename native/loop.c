/* Backend-independent half of the loop: the interest table, the ceiling and
 * the choice of backend. Backends only ever see consistent requests. */
#include "loop.h"
#include "backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The one table of backends, and the first is the default. select stays
 * the default because showing it is the project's point; the others are
 * there to compare it with. */
static const sc_backend_t *const backends[] = {
  &sc_backend_select,
  &sc_backend_poll,
#ifdef SC_HAVE_EPOLL
  &sc_backend_epoll,
#endif
};

#define BACKEND_COUNT ((int) (sizeof(backends) / sizeof(backends[0])))

struct sc_loop_s {
  const sc_backend_t *backend;
  void *state;
  unsigned char *interest; /* events wanted, indexed by fd */
  int max_fds;
  int count;
};

static const sc_backend_t *find_backend(const char *name) {
  int i;

  if (name == NULL)
    return backends[0];
  for (i = 0; i < BACKEND_COUNT; i++)
    if (strcmp(backends[i]->name, name) == 0)
      return backends[i];
  return NULL;
}

int sc_loop_create(sc_loop_t **out, const char *backend_name, int max_fds) {
  const sc_backend_t *backend;
  sc_loop_t *loop;
  int err;

  backend = find_backend(backend_name);
  if (backend == NULL)
    return -EINVAL;
  if (max_fds <= 0)
    return -ERANGE;

  loop = calloc(1, sizeof(*loop));
  if (loop == NULL)
    return -ENOMEM;
  loop->interest = calloc((size_t) max_fds, 1);
  if (loop->interest == NULL) {
    free(loop);
    return -ENOMEM;
  }
  err = backend->create(&loop->state, max_fds);
  if (err < 0) {
    free(loop->interest);
    free(loop);
    return err;
  }
  loop->backend = backend;
  loop->max_fds = max_fds;
  *out = loop;
  return 0;
}

void sc_loop_free(sc_loop_t *loop) {
  if (loop == NULL)
    return;
  loop->backend->free(loop->state);
  free(loop->interest);
  free(loop);
}

const char *sc_loop_backend_name(const sc_loop_t *loop) {
  return loop->backend->name;
}

int sc_loop_max_fds(const sc_loop_t *loop) {
  return loop->max_fds;
}

int sc_loop_get(const sc_loop_t *loop, int fd) {
  if (fd < 0 || fd >= loop->max_fds)
    return 0;
  return loop->interest[fd];
}

int sc_loop_count(const sc_loop_t *loop) {
  return loop->count;
}

/* Record fd's interest and keep the count of watched fds in step. */
static void store_interest(sc_loop_t *loop, int fd, int events) {
  int old = loop->interest[fd];

  if (old == 0 && events != 0)
    loop->count++;
  else if (old != 0 && events == 0)
    loop->count--;
  loop->interest[fd] = (unsigned char) events;
}

int sc_loop_set(sc_loop_t *loop, int fd, int events) {
  int old;
  int err;

  if (fd < 0)
    return -EBADF;
  if (fd >= loop->max_fds)
    return -ERANGE;
  events &= SC_READABLE | SC_WRITABLE;
  old = loop->interest[fd];

  /* Removal first, so that a failed add leaves the fd with a subset of
   * what it had rather than with events nobody asked for. */
  if (old & ~events) {
    err = loop->backend->del(loop->state, fd, old, old & ~events);
    if (err < 0)
      return err;
    store_interest(loop, fd, old & events);
  }
  if (events & ~old) {
    err = loop->backend->add(loop->state, fd, old & events, events & ~old);
    if (err < 0)
      return err;
  }
  store_interest(loop, fd, events);
  return 0;
}

int sc_loop_wait(sc_loop_t *loop, int timeout_ms, sc_event_t *fired,
                 int capacity) {
  int n;
  int i;
  int kept;

  if (capacity <= 0)
    return -EINVAL;
  n = loop->backend->poll(loop->state, timeout_ms, fired, capacity);
  if (n <= 0)
    return n;

  /* A backend may report more than was asked (epoll reports errors as both
   * directions); hand out only what is still wanted. */
  kept = 0;
  for (i = 0; i < n; i++) {
    int events = fired[i].events & sc_loop_get(loop, fired[i].fd);
    if (events != 0) {
      fired[kept].fd = fired[i].fd;
      fired[kept].events = events;
      kept++;
    }
  }
  return kept;
}

const char *const *sc_loop_backends(void) {
  static const char *names[BACKEND_COUNT + 1];
  int i;

  for (i = 0; i < BACKEND_COUNT; i++)
    names[i] = backends[i]->name;
  names[BACKEND_COUNT] = NULL;
  return names;
}
