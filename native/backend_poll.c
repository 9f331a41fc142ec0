/* The poll(2) backend.
 *
 * poll() takes an array of the fds to watch instead of bitmaps, so it has no
 * FD_SETSIZE and its cost follows the number of watched fds, not the highest
 * fd number. The array is kept dense, with an fd -> slot index beside it, so
 * that changing an fd's interest is O(1) and a removal swaps the last slot
 * into the hole (libuv's posix-poll.c does the same). What poll() cannot
 * avoid is select()'s real cost: every call hands the kernel the whole array
 * and the kernel polls every fd in it, ready or not. */
#include "backend.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#define MIN_SLOTS 64

typedef struct {
  struct pollfd *fds; /* slots [0, count) are watched */
  int *slot_of;       /* fd -> its slot, -1 when not watched */
  int count;
  int slots;          /* allocated in fds */
  int index_size;     /* allocated in slot_of */
  int max_fds;        /* the loop's ceiling */
  int next_slot;      /* where the next scan starts (fairness) */
} poll_state_t;

static int poll_create(void **state, int max_fds) {
  poll_state_t *s = calloc(1, sizeof(*s));

  if (s == NULL)
    return -ENOMEM;
  s->max_fds = max_fds;
  *state = s;
  return 0;
}

static void poll_free(void *state) {
  poll_state_t *s = state;

  if (s == NULL)
    return;
  free(s->fds);
  free(s->slot_of);
  free(s);
}

/* Make room in the index for fd: double it, up to the ceiling, which the
 * loop has already checked fd against. */
static int grow_index(poll_state_t *s, int fd) {
  int size = s->index_size > 0 ? s->index_size : MIN_SLOTS;
  int *slot_of;
  int i;

  while (size <= fd)
    size *= 2;
  if (size > s->max_fds)
    size = s->max_fds;
  slot_of = realloc(s->slot_of, (size_t) size * sizeof(*slot_of));
  if (slot_of == NULL)
    return -ENOMEM;
  for (i = s->index_size; i < size; i++)
    slot_of[i] = -1;
  s->slot_of = slot_of;
  s->index_size = size;
  return 0;
}

/* The slot of fd, taking a new one at the end if it has none. */
static int slot_for(poll_state_t *s, int fd) {
  int err;

  if (fd >= s->index_size && (err = grow_index(s, fd)) < 0)
    return err;
  if (s->slot_of[fd] >= 0)
    return s->slot_of[fd];
  if (s->count == s->slots) {
    int slots = s->slots > 0 ? 2 * s->slots : MIN_SLOTS;
    struct pollfd *fds = realloc(s->fds, (size_t) slots * sizeof(*fds));

    if (fds == NULL)
      return -ENOMEM;
    s->fds = fds;
    s->slots = slots;
  }
  s->fds[s->count].fd = fd;
  s->fds[s->count].events = 0;
  s->fds[s->count].revents = 0;
  s->slot_of[fd] = s->count;
  return s->count++;
}

static short to_poll(int mask) {
  return (short) (((mask & SC_READABLE) ? POLLIN : 0) |
                  ((mask & SC_WRITABLE) ? POLLOUT : 0));
}

static int poll_add(void *state, int fd, int old_mask, int mask) {
  poll_state_t *s = state;
  int slot = slot_for(s, fd);

  (void) old_mask;
  if (slot < 0)
    return slot;
  s->fds[slot].events |= to_poll(mask);
  return 0;
}

static int poll_del(void *state, int fd, int old_mask, int mask) {
  poll_state_t *s = state;
  int slot = fd < s->index_size ? s->slot_of[fd] : -1;
  int last;

  (void) old_mask;
  if (slot < 0)
    return 0;
  s->fds[slot].events &= (short) ~to_poll(mask);
  if (s->fds[slot].events != 0)
    return 0;

  /* Nothing left to watch: the last slot moves into the hole. */
  last = --s->count;
  if (slot != last) {
    s->fds[slot] = s->fds[last];
    s->slot_of[s->fds[slot].fd] = slot;
  }
  s->slot_of[fd] = -1;
  return 0;
}

/* An error or hang-up is reported both ways, so that the owner's own read
 * or write finds out what happened, whichever it was waiting for. */
static int from_poll(short revents) {
  int events = 0;

  if (revents & (POLLIN | POLLERR | POLLHUP))
    events |= SC_READABLE;
  if (revents & (POLLOUT | POLLERR | POLLHUP))
    events |= SC_WRITABLE;
  return events;
}

/* Report `ready` slots, from where the last full batch stopped: starting at
 * slot 0 every time would serve the same fds forever and starve the rest. */
static int collect(poll_state_t *s, int ready, sc_event_t *fired,
                   int capacity) {
  int slot = s->next_slot < s->count ? s->next_slot : 0;
  int n = 0;
  int i;

  for (i = 0; i < s->count && n < ready; i++, slot++) {
    short revents;

    if (slot == s->count)
      slot = 0;
    revents = s->fds[slot].revents;
    if (revents == 0)
      continue;
    /* An fd closed while watched: the owner's bug, reported as select()
     * reports it rather than skipped for ever. */
    if (revents & POLLNVAL)
      return -EBADF;
    if (n == capacity) {
      s->next_slot = slot;
      return n;
    }
    fired[n].fd = s->fds[slot].fd;
    fired[n].events = from_poll(revents);
    n++;
  }
  return n;
}

static int poll_poll(void *state, int timeout_ms, sc_event_t *fired,
                     int capacity) {
  poll_state_t *s = state;
  int r = poll(s->fds, (nfds_t) s->count, timeout_ms);

  if (r <= 0)
    return r == 0 ? 0 : -errno;
  return collect(s, r, fired, capacity);
}

const sc_backend_t sc_backend_poll = {
  "poll", poll_create, poll_free, poll_add, poll_del, poll_poll,
};
