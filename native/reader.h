/* The read half of a loop turn, in C: for every ready fd that is framed
 * natively, one read() and line splitting (lines.h), with every line of the
 * turn stored in one batch that JavaScript owns and receives whole, in one
 * crossing. Unframed fds (TLS, listeners) are left to JavaScript.
 *
 * The batch's storage belongs to the caller and is touched only during
 * sc_reader_run. Everything returns >= 0 or a negated errno. */
#ifndef SC_READER_H
#define SC_READER_H

#include <stdint.h>

#include "lines.h"
#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Record kinds beyond lines.h's SC_LINE_*: end of file, and a failed read
 * (its length is the negated errno). */
enum { SC_RECORD_EOF = 4, SC_RECORD_ERROR = 5 };

/* One read per ready fd per turn, of at most this many bytes. */
#define SC_READER_READ_MAX (64 * 1024)

/* The longest line a batch of `bytes` line bytes can frame. A turn that
 * starts at a connection, as the one after a full turn does, must hold its
 * unfinished line (max + 1 bytes) and a full read behind it; with a longer
 * limit that connection could never be read again. */
#define SC_READER_MAX_LINE(bytes) ((bytes) - SC_READER_READ_MAX - 1)

typedef struct sc_batch_s {
  uint8_t *bytes; /* line bytes; records point into it */
  int bytes_capacity;
  sc_line_t *records;
  int records_capacity;
} sc_batch_t;

typedef struct sc_reader_s {
  sc_lines_t **by_fd; /* NULL where an fd is not framed */
  int size;           /* entries in by_fd */
  int resume_fd;      /* where a turn that ran out of room stopped */
  double bytes_in;
} sc_reader_t;

void sc_reader_init(sc_reader_t *reader);
void sc_reader_free(sc_reader_t *reader);

/* Frame fd's input natively with lines of at most max_line bytes (at most
 * SC_READER_MAX_LINE of the batch: the caller checks) from now on; max_line
 * 0 stops (and drops a held unfinished line). -EALREADY if fd is framed
 * already: stop first. */
int sc_reader_frame(sc_reader_t *reader, int fd, int max_line);

/* Read every framed fd that `events` reports readable, storing its lines
 * (or EOF, or the error) in `batch`, and clear SC_READABLE from those
 * events. A turn whose batch fills up leaves the rest for the next one,
 * which starts where this one stopped. Returns the number of records. */
int sc_reader_run(sc_reader_t *reader, sc_event_t *events, int count,
                  sc_batch_t *batch);

#ifdef __cplusplus
}
#endif

#endif /* SC_READER_H */
