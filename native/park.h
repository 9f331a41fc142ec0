/* Parking the readiness loop inside Node's event loop.
 *
 * JavaScript cannot block: libuv's own loop must keep running timers, fs,
 * child processes and Node's sockets. So the wait happens in a uv_prepare
 * hook, just before libuv would block in its own backend: there the hook
 * select()s over our fds *plus* libuv's backend fd, with libuv's own timeout
 * (uv_backend_timeout, which is only meaningful in this phase). Whatever
 * wakes the process then wakes the right side:
 *   - our fds ready: the batch goes to on_ready, and an idle handle tells
 *     libuv not to block, so the next iteration looks again at once;
 *   - libuv's fd ready or a timer due: the hook returns and libuv runs.
 * When nothing happens, the process sleeps in select() at 0% CPU. */
#ifndef SC_PARK_H
#define SC_PARK_H

#include <uv.h>

#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sc_park_s sc_park_t;

/* Called with the ready events of one wait (never with none unless
 * tracing), or with a negative errno and NULL events when the wait failed;
 * the park has then stopped itself. */
typedef void (*sc_park_ready_cb)(sc_park_t *park, const sc_event_t *events,
                                 int count);
typedef void (*sc_park_close_cb)(sc_park_t *park);

/* Counters kept by the park in caller-owned storage (a Float64Array in
 * JavaScript: src/loop/stats.ts reads the same slots). */
enum {
  SC_STAT_WAITS,      /* waits, whatever ended them */
  SC_STAT_WAKEUPS,    /* waits that found our fds ready */
  SC_STAT_BYTES_IN,   /* bytes read natively (filled in by the binding) */
  SC_STAT_WATCHED,    /* last wait: our fds watched */
  SC_STAT_READY,      /* last wait: our fds ready */
  SC_STAT_BLOCKED_US, /* last wait: time blocked, only while tracing */
  SC_STAT_COUNT
};

struct sc_park_s {
  uv_prepare_t prepare;
  uv_idle_t idle;
  uv_loop_t *uv_loop;
  sc_loop_t *loop;
  sc_event_t *events; /* caller-owned batch storage */
  int capacity;
  int backend_fd;     /* libuv's epoll fd, watched beside ours */
  int pending_closes;
  sc_park_ready_cb on_ready;
  sc_park_close_cb on_close;
  void *data;
  double *stats;      /* SC_STAT_COUNT slots, caller-owned; or NULL */
  int trace;          /* time each wait, and report empty ones too */
};

/* Hook `loop` into `uv_loop`. `events` holds `capacity` entries and must
 * stay valid until the park is closed. */
int sc_park_init(sc_park_t *park, uv_loop_t *uv_loop, sc_loop_t *loop,
                 sc_event_t *events, int capacity, sc_park_ready_cb on_ready);

/* While started, the park keeps the process alive (like any active libuv
 * handle) and delivers batches. Both are idempotent. Only one park may be
 * started per thread: another one's start gets -EBUSY. */
int sc_park_start(sc_park_t *park);
void sc_park_stop(sc_park_t *park);
int sc_park_is_active(const sc_park_t *park);

/* One wait outside the hook (benchmarks and tests): like the hook's, minus
 * libuv's fd. Blocks the whole process for up to timeout_ms. */
int sc_park_poll(sc_park_t *park, int timeout_ms);

/* Stop and release the libuv handles; on_close runs on a later iteration,
 * after which the caller may free the park. */
void sc_park_close(sc_park_t *park, sc_park_close_cb on_close);

#ifdef __cplusplus
}
#endif

#endif /* SC_PARK_H */
