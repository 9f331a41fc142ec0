#include "park.h"

#include <errno.h>
#include <stddef.h>
#include <time.h>

/* Two parks on one libuv loop would each block in select() without the
 * other's fds, so only one may be started per thread (per Node loop). */
static _Thread_local sc_park_t *started_park;

static void on_idle(uv_idle_t *idle) {
  /* Nothing to do: being active is what keeps libuv from blocking. */
  (void) idle;
}

/* Drop libuv's own fd from the batch: it is libuv's business, and its
 * readiness has already done its job by ending the wait. */
static int without_backend_fd(sc_park_t *park, int count) {
  int kept = 0;
  int i;

  for (i = 0; i < count; i++)
    if (park->events[i].fd != park->backend_fd)
      park->events[kept++] = park->events[i];
  return kept;
}

static double now_us(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

/* Counting is two stores per wait; the clock is read only when tracing. */
static void count_wait(sc_park_t *park, int count, double started) {
  double *stats = park->stats;

  if (stats == NULL)
    return;
  stats[SC_STAT_WAITS]++;
  if (count > 0)
    stats[SC_STAT_WAKEUPS]++;
  if (park->trace) {
    stats[SC_STAT_WATCHED] =
        sc_loop_count(park->loop) - (park->backend_fd >= 0 ? 1 : 0);
    stats[SC_STAT_READY] = count > 0 ? count : 0;
    stats[SC_STAT_BLOCKED_US] = now_us() - started;
  }
}

int sc_park_poll(sc_park_t *park, int timeout_ms) {
  double started = park->trace ? now_us() : 0;
  int count = sc_loop_wait(park->loop, timeout_ms, park->events,
                           park->capacity);

  if (count >= 0)
    count = without_backend_fd(park, count);
  count_wait(park, count, started);
  return count;
}

static void on_prepare(uv_prepare_t *prepare) {
  sc_park_t *park = prepare->data;
  int timeout;
  int count;

  /* Our idle handle forces a zero timeout; stop it so the timeout below is
   * libuv's honest one (the next timer, or forever). */
  uv_idle_stop(&park->idle);
  timeout = uv_backend_timeout(park->uv_loop);
  count = sc_park_poll(park, timeout);
  uv_update_time(park->uv_loop);
  if (count < 0 && count != -EINTR) {
    /* Only a bug fails select() (EBADF: an fd closed while watched). Stop,
     * rather than fail again on every iteration, and say so. */
    sc_park_stop(park);
    park->on_ready(park, NULL, count);
    return;
  }
  /* Look again at once, before libuv may block without our fds:
   * - after a batch, because the handler may leave data unread (it caps
   *   work per turn) and level-triggered readiness will report it again;
   * - after a zero timeout, because libuv also answers 0 while it has
   *   watcher changes to apply; its poll then blocks with the real
   *   timeout, and only the next iteration's wait would include our fds;
   * - after a signal (say the profiler's SIGPROF) cut the wait short:
   *   libuv's poll must not then block without our fds either. */
  if (count > 0 || timeout == 0 || count == -EINTR)
    uv_idle_start(&park->idle, on_idle);
  if (count > 0 || (count == 0 && park->trace))
    park->on_ready(park, park->events, count);
}

int sc_park_init(sc_park_t *park, uv_loop_t *uv_loop, sc_loop_t *loop,
                 sc_event_t *events, int capacity,
                 sc_park_ready_cb on_ready) {
  int err;

  park->uv_loop = uv_loop;
  park->loop = loop;
  park->events = events;
  park->capacity = capacity;
  park->on_ready = on_ready;
  park->on_close = NULL;
  park->pending_closes = 0;
  park->stats = NULL;
  park->trace = 0;
  park->backend_fd = uv_backend_fd(uv_loop);
  if (park->backend_fd >= 0) {
    err = sc_loop_set(loop, park->backend_fd, SC_READABLE);
    if (err < 0)
      return err;
  }
  uv_prepare_init(uv_loop, &park->prepare);
  uv_idle_init(uv_loop, &park->idle);
  park->prepare.data = park;
  park->idle.data = park;
  return 0;
}

int sc_park_start(sc_park_t *park) {
  if (started_park != NULL && started_park != park)
    return -EBUSY;
  started_park = park;
  /* Look at once: started from a handler, after the last watcher stopped
   * the park (and its idle handle), libuv would otherwise block in its own
   * poll without our fds until something else woke it. */
  uv_idle_start(&park->idle, on_idle);
  return uv_prepare_start(&park->prepare, on_prepare);
}

void sc_park_stop(sc_park_t *park) {
  if (started_park == park)
    started_park = NULL;
  uv_prepare_stop(&park->prepare);
  uv_idle_stop(&park->idle);
}

int sc_park_is_active(const sc_park_t *park) {
  return uv_is_active((const uv_handle_t *) &park->prepare);
}

static void on_handle_closed(uv_handle_t *handle) {
  sc_park_t *park = handle->data;

  if (--park->pending_closes == 0 && park->on_close != NULL)
    park->on_close(park);
}

void sc_park_close(sc_park_t *park, sc_park_close_cb on_close) {
  sc_park_stop(park);
  if (park->backend_fd >= 0)
    sc_loop_set(park->loop, park->backend_fd, 0);
  park->on_close = on_close;
  park->pending_closes = 2;
  uv_close((uv_handle_t *) &park->prepare, on_handle_closed);
  uv_close((uv_handle_t *) &park->idle, on_handle_closed);
}
