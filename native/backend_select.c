/* The select(2) backend.
 *
 * glibc's fd_set holds FD_SETSIZE (1024) fds, and FD_SET past it writes out
 * of bounds. Node itself holds ~20 fds, so a thousand clients already reach
 * that edge. Linux's select() takes any nfds as long as the bitmaps are that
 * large, so this backend owns its bitmaps (in the kernel's layout: an array
 * of longs, bit fd % BITS of word fd / BITS), grows them on demand up to the
 * loop's ceiling and never uses the FD_* macros. The price is the one users
 * come to see: every call copies the sets up to maxfd, and the kernel polls
 * every watched fd, ready or not (bench:loop: ~75 ns per watched fd). */
#include "backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

typedef unsigned long word_t;

#define WORD_BITS ((int) (8 * sizeof(word_t)))
#define WORDS_FOR(fds) (((fds) + WORD_BITS - 1) / WORD_BITS)
#define MIN_WORDS WORDS_FOR(FD_SETSIZE)

enum { READ_SET, WRITE_SET, SET_COUNT };

typedef struct {
  word_t *want[SET_COUNT];  /* what callers asked for */
  word_t *ready[SET_COUNT]; /* scratch copies; select() overwrites them */
  int words;                /* words allocated per set */
  int max_words;            /* the loop's ceiling, in words */
  int maxfd;                /* highest fd watched, -1 when none */
  int next_fd;              /* where the next scan starts (fairness) */
} select_state_t;

/* Make room for fd: double the sets (starting at FD_SETSIZE's size) up to
 * the ceiling, which the loop has already checked fd against. */
static int grow(select_state_t *s, int fd) {
  int words = s->words > 0 ? s->words : MIN_WORDS;
  int i;

  while (words <= fd / WORD_BITS)
    words *= 2;
  if (words > s->max_words)
    words = s->max_words;
  for (i = 0; i < SET_COUNT; i++) {
    word_t *want = realloc(s->want[i], (size_t) words * sizeof(word_t));
    word_t *ready;

    if (want == NULL)
      return -ENOMEM;
    s->want[i] = want;
    memset(want + s->words, 0, (size_t) (words - s->words) * sizeof(word_t));
    ready = realloc(s->ready[i], (size_t) words * sizeof(word_t));
    if (ready == NULL)
      return -ENOMEM;
    s->ready[i] = ready;
  }
  s->words = words;
  return 0;
}

static void select_free(void *state);

static int select_create(void **state, int max_fds) {
  select_state_t *s = calloc(1, sizeof(*s));
  int err;

  if (s == NULL)
    return -ENOMEM;
  s->max_words = WORDS_FOR(max_fds);
  s->maxfd = -1;
  err = grow(s, 0);
  if (err < 0) {
    select_free(s);
    return err;
  }
  *state = s;
  return 0;
}

static void select_free(void *state) {
  select_state_t *s = state;
  int i;

  if (s == NULL)
    return;
  for (i = 0; i < SET_COUNT; i++) {
    free(s->want[i]);
    free(s->ready[i]);
  }
  free(s);
}

static void set_bit(word_t *set, int fd) {
  set[fd / WORD_BITS] |= (word_t) 1 << (fd % WORD_BITS);
}

static void clear_bit(word_t *set, int fd) {
  set[fd / WORD_BITS] &= ~((word_t) 1 << (fd % WORD_BITS));
}

static int select_add(void *state, int fd, int old_mask, int mask) {
  select_state_t *s = state;
  int err;

  (void) old_mask;
  if (fd >= s->words * WORD_BITS) {
    err = grow(s, fd);
    if (err < 0)
      return err;
  }
  if (mask & SC_READABLE)
    set_bit(s->want[READ_SET], fd);
  if (mask & SC_WRITABLE)
    set_bit(s->want[WRITE_SET], fd);
  if (fd > s->maxfd)
    s->maxfd = fd;
  return 0;
}

static int watched(const select_state_t *s, int word) {
  return s->want[READ_SET][word] != 0 || s->want[WRITE_SET][word] != 0;
}

static int select_del(void *state, int fd, int old_mask, int mask) {
  select_state_t *s = state;
  int word;

  if (mask & SC_READABLE)
    clear_bit(s->want[READ_SET], fd);
  if (mask & SC_WRITABLE)
    clear_bit(s->want[WRITE_SET], fd);
  if ((old_mask & ~mask) != 0 || fd != s->maxfd)
    return 0;

  /* The highest fd left: find the new top word by word, then bit by bit. */
  for (word = fd / WORD_BITS; word >= 0 && !watched(s, word); word--)
    ;
  if (word < 0) {
    s->maxfd = -1;
    return 0;
  }
  s->maxfd = word * WORD_BITS + WORD_BITS - 1 -
             __builtin_clzl(s->want[READ_SET][word] | s->want[WRITE_SET][word]);
  return 0;
}

static int collect(select_state_t *s, int words, sc_event_t *fired,
                   int capacity);

static int select_poll(void *state, int timeout_ms, sc_event_t *fired,
                       int capacity) {
  select_state_t *s = state;
  struct timeval tv;
  struct timeval *tvp = NULL;
  int words = s->maxfd / WORD_BITS + 1;
  int r;

  if (timeout_ms >= 0) {
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    tvp = &tv;
  }
  if (s->maxfd < 0)
    words = 0;
  /* select() overwrites its sets, so it gets copies (Redis does the same). */
  memcpy(s->ready[READ_SET], s->want[READ_SET], (size_t) words * sizeof(word_t));
  memcpy(s->ready[WRITE_SET], s->want[WRITE_SET],
         (size_t) words * sizeof(word_t));

  r = select(s->maxfd + 1, (fd_set *) s->ready[READ_SET],
             (fd_set *) s->ready[WRITE_SET], NULL, tvp);
  if (r <= 0)
    return r == 0 ? 0 : -errno;

  return collect(s, words, fired, capacity);
}

/* Report ready fds, skipping empty words whole. When more are ready than
 * fit, the next scan starts at the first fd left out: starting at fd 0
 * every time would serve the lowest fds forever and starve the rest. */
static int collect(select_state_t *s, int words, sc_event_t *fired,
                   int capacity) {
  int start = s->next_fd < words * WORD_BITS ? s->next_fd : 0;
  int skip = start % WORD_BITS;
  int n = 0;
  int i;

  /* From start's word round to it again, for the bits below start. */
  for (i = 0; i <= words; i++) {
    int word = (start / WORD_BITS + i) % words;
    word_t readable = s->ready[READ_SET][word];
    word_t writable = s->ready[WRITE_SET][word];
    word_t any = readable | writable;

    if (i == 0)
      any &= ~(word_t) 0 << skip;
    else if (i == words)
      any &= ((word_t) 1 << skip) - 1;
    for (; any != 0; any &= any - 1) {
      int bit = __builtin_ctzl(any);
      word_t mask = (word_t) 1 << bit;

      if (n == capacity) {
        s->next_fd = word * WORD_BITS + bit;
        return n;
      }
      fired[n].fd = word * WORD_BITS + bit;
      fired[n].events = ((readable & mask) ? SC_READABLE : 0) |
                        ((writable & mask) ? SC_WRITABLE : 0);
      n++;
    }
  }
  return n;
}

const sc_backend_t sc_backend_select = {
  "select", select_create, select_free, select_add, select_del, select_poll,
};
