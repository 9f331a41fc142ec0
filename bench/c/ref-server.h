/* Shared by ref-server.c (the loop) and ref-clients.c (the clients). */
#ifndef REF_SERVER_H
#define REF_SERVER_H

#define MAX_FDS 16384
#define WORD_BITS ((int) (8 * sizeof(unsigned long)))
#define WORDS (MAX_FDS / WORD_BITS)

/* Bitmaps owned by the loop, sized for MAX_FDS rather than FD_SETSIZE. */
extern unsigned long want_read[WORDS], ready_write[WORDS];
extern int maxfd;
extern int chat_format;

static inline void set_bit(unsigned long *set, int fd) {
  set[fd / WORD_BITS] |= 1UL << (fd % WORD_BITS);
}

static inline void clear_bit(unsigned long *set, int fd) {
  set[fd / WORD_BITS] &= ~(1UL << (fd % WORD_BITS));
}

static inline int has_bit(const unsigned long *set, int fd) {
  return (set[fd / WORD_BITS] >> (fd % WORD_BITS)) & 1;
}

/* The turn's ISO time, chat format only: once per turn, not per message. */
void ref_update_stamp(void);
void ref_accept_all(int listener);
/* Every client fd ready in `ready` is read once; lines are handled. */
void ref_read_ready(const unsigned long *ready, int words);
/* One write() per client with pending output. */
void ref_write_all(void);

#endif
