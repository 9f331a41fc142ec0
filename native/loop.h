/* selectchat's readiness loop: an interest set of file descriptors and one
 * blocking wait, over a swappable backend (select by default).
 *
 * The loop knows nothing about sockets, JavaScript or libuv. It owns its
 * interest table and its backend; the fds themselves belong to the caller,
 * who must clear an fd's interest before closing it.
 *
 * Every function returns >= 0 on success or a negated errno (libuv style). */
#ifndef SC_LOOP_H
#define SC_LOOP_H

#ifdef __cplusplus
extern "C" {
#endif

enum { SC_READABLE = 1, SC_WRITABLE = 2 };

typedef struct sc_event_s {
  int fd;
  int events; /* SC_READABLE | SC_WRITABLE */
} sc_event_t;

typedef struct sc_loop_s sc_loop_t;

/* Create a loop watching fds in [0, max_fds) with the backend called
 * `backend` (NULL: the default, "select"). -EINVAL names no backend;
 * -ERANGE is a max_fds the backend cannot serve. */
int sc_loop_create(sc_loop_t **loop, const char *backend, int max_fds);
void sc_loop_free(sc_loop_t *loop);

const char *sc_loop_backend_name(const sc_loop_t *loop);
int sc_loop_max_fds(const sc_loop_t *loop);

/* Watch exactly `events` on fd (0 stops watching it). An fd at or past the
 * ceiling gets -ERANGE and the interest set is left unchanged. */
int sc_loop_set(sc_loop_t *loop, int fd, int events);
int sc_loop_get(const sc_loop_t *loop, int fd);

/* How many fds are watched. */
int sc_loop_count(const sc_loop_t *loop);

/* Wait up to timeout_ms for readiness and store at most `capacity` events;
 * each carries only events that are still wanted. Returns the count. */
int sc_loop_wait(sc_loop_t *loop, int timeout_ms, sc_event_t *fired,
                 int capacity);

/* The names of the backends compiled in, NULL-terminated. */
const char *const *sc_loop_backends(void);

#ifdef __cplusplus
}
#endif

#endif /* SC_LOOP_H */
