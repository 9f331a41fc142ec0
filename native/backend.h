/* The readiness backend interface: the few operations a multiplexer must
 * provide, on the model of Redis's ae_*.c files and libevent's eventop.
 * Each backend lives in its own file and keeps its state behind one pointer;
 * the bookkeeping shared by all backends (interest table, masking of fired
 * events, the ceiling) is written once, in loop.c.
 *
 * Every function returns >= 0 on success or a negated errno. */
#ifndef SC_BACKEND_H
#define SC_BACKEND_H

#include "loop.h"

typedef struct sc_backend_s {
  const char *name;
  /* Allocate the backend state for fds in [0, max_fds). */
  int (*create)(void **state, int max_fds);
  void (*free)(void *state);
  /* Start watching `mask` events on fd, which already had `old_mask`. */
  int (*add)(void *state, int fd, int old_mask, int mask);
  /* Stop watching `mask` events on fd, which had `old_mask`. */
  int (*del)(void *state, int fd, int old_mask, int mask);
  /* Wait up to timeout_ms (-1: forever, 0: just look) and store at most
   * `capacity` ready fds in `fired`; returns how many it stored. A signal
   * interrupting the wait returns -EINTR: the caller decides whether to
   * wait again (the process may have a signal handler to run first). */
  int (*poll)(void *state, int timeout_ms, sc_event_t *fired, int capacity);
} sc_backend_t;

extern const sc_backend_t sc_backend_select;
extern const sc_backend_t sc_backend_poll;
#ifdef SC_HAVE_EPOLL
extern const sc_backend_t sc_backend_epoll; /* Linux only (binding.gyp) */
#endif

#endif /* SC_BACKEND_H */
