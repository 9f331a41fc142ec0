/* Native reads and framing for one loop turn; see reader.h. */
#include "reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fdio.h"

/* One read per ready fd per turn, as in FdSocket: turns stay fair. */
#define READ_MAX SC_READER_READ_MAX
/* A read smaller than this is not worth a syscall: leave it to next turn. */
#define READ_MIN 4096

void sc_reader_init(sc_reader_t *reader) {
  memset(reader, 0, sizeof(*reader));
}

void sc_reader_free(sc_reader_t *reader) {
  int fd;

  for (fd = 0; fd < reader->size; fd++)
    sc_reader_frame(reader, fd, 0);
  free(reader->by_fd);
  memset(reader, 0, sizeof(*reader));
}

static int grow(sc_reader_t *reader, int fd) {
  int size = reader->size > 0 ? reader->size : 64;
  sc_lines_t **by_fd;

  while (size <= fd)
    size *= 2;
  by_fd = realloc(reader->by_fd, (size_t) size * sizeof(*by_fd));
  if (by_fd == NULL)
    return -ENOMEM;
  memset(by_fd + reader->size, 0,
         (size_t) (size - reader->size) * sizeof(*by_fd));
  reader->by_fd = by_fd;
  reader->size = size;
  return 0;
}

int sc_reader_frame(sc_reader_t *reader, int fd, int max_line) {
  sc_lines_t *lines;
  int err;

  if (fd < 0 || max_line < 0)
    return -EINVAL;
  if (max_line == 0) {
    if (fd < reader->size && reader->by_fd[fd] != NULL) {
      sc_lines_free(reader->by_fd[fd]);
      free(reader->by_fd[fd]);
      reader->by_fd[fd] = NULL;
    }
    return 0;
  }
  if (fd >= reader->size && (err = grow(reader, fd)) < 0)
    return err;
  /* Framing twice would lose (and leak) the unfinished line: stop first. */
  if (reader->by_fd[fd] != NULL)
    return -EALREADY;
  if ((lines = calloc(1, sizeof(*lines))) == NULL)
    return -ENOMEM;
  err = sc_lines_init(lines, max_line);
  if (err < 0) {
    free(lines);
    return err;
  }
  reader->by_fd[fd] = lines;
  return 0;
}

static sc_lines_t *framed(const sc_reader_t *reader, int fd) {
  return fd >= 0 && fd < reader->size ? reader->by_fd[fd] : NULL;
}

typedef struct turn_s {
  sc_batch_t *batch;
  int bytes_used;
  int records_used;
} turn_t;

static void add_record(turn_t *turn, int fd, int kind, int length) {
  sc_line_t *record = &turn->batch->records[turn->records_used++];

  record->tag = fd, record->kind = kind, record->offset = 0;
  record->length = length;
}

/* One read of fd into the batch, behind the copy of its unfinished line.
 * -ENOBUFS: no room left in this turn's batch. */
static int read_one(sc_reader_t *reader, int fd, sc_lines_t *lines,
                    turn_t *turn) {
  sc_batch_t *batch = turn->batch;
  int held = sc_lines_held(lines);
  int records_left = batch->records_capacity - turn->records_used - 1;
  int want = batch->bytes_capacity - turn->bytes_used - held;
  uint8_t *dst = batch->bytes + turn->bytes_used;
  int scanned;
  int n;

  /* Room for every line the read could complete, plus its own record. The
   * held line has no `\n`, so only the new bytes can end lines: at most
   * SC_LINES_MAX_FOUND(want) of them, however long the held line is. */
  if (want > 2 * (records_left - 2))
    want = 2 * (records_left - 2);
  if (want > READ_MAX)
    want = READ_MAX;
  if (want < READ_MIN)
    return -ENOBUFS;
  /* Read behind room for the unfinished line, which is copied there only if
   * the read ends it: a long line arriving in small reads is not copied and
   * scanned again with every read. */
  n = (int) sc_fd_read(fd, dst + held, (size_t) want);
  if (n == -EAGAIN)
    return 0;
  if (n <= 0) {
    add_record(turn, fd, n == 0 ? SC_RECORD_EOF : SC_RECORD_ERROR, n);
    return 0;
  }
  reader->bytes_in += n;
  if (held > 0 && memchr(dst + held, '\n', (size_t) n) == NULL) {
    n = sc_lines_extend(lines, dst + held, n, fd,
                        batch->records + turn->records_used);
    if (n < 0)
      add_record(turn, fd, SC_RECORD_ERROR, n);
    else
      turn->records_used += n;
    return 0;
  }
  sc_lines_copy_held(lines, dst);
  /* The scanned bytes stay in the batch: the lines point into them. */
  scanned = held + n;
  n = sc_lines_scan(lines, dst, scanned, fd, turn->bytes_used,
                    batch->records + turn->records_used, records_left);
  turn->bytes_used += scanned;
  if (n < 0)
    add_record(turn, fd, SC_RECORD_ERROR, n);
  else
    turn->records_used += n;
  return 0;
}

int sc_reader_run(sc_reader_t *reader, sc_event_t *events, int count,
                  sc_batch_t *batch) {
  turn_t turn = { batch, 0, 0 };
  int first = 0;
  int i;

  /* Start at the fd the last full turn stopped at, so that the lowest fds
   * cannot take every turn's room for themselves. */
  while (first < count && events[first].fd < reader->resume_fd)
    first++;
  if (first == count)
    first = 0;
  reader->resume_fd = 0;
  for (i = 0; i < count; i++) {
    sc_event_t *event = &events[(first + i) % count];
    sc_lines_t *lines = framed(reader, event->fd);

    if (lines == NULL || !(event->events & SC_READABLE))
      continue;
    event->events &= ~SC_READABLE;
    if (reader->resume_fd == 0 &&
        read_one(reader, event->fd, lines, &turn) == -ENOBUFS)
      reader->resume_fd = event->fd; /* the rest are reported again */
  }
  return turn.records_used;
}
