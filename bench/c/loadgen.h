/* Shared by the load generator's files (loadgen.c is the overview). */
#ifndef LG_LOADGEN_H
#define LG_LOADGEN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A server line longer than this is an error: ours are < 200 bytes. */
#define LG_CARRY_CAP 1024
/* Nicks as the server spells them in WELCOME, NUL included. */
#define LG_NICK_CAP 32

typedef struct {
  const char *host;
  int port;
  int clients;     /* N: the clients that chat */
  int idle;        /* connections that only sit there, after the N */
  int whisper;     /* senders whisper to themselves: one receiver, not N */
  int tls;         /* TLS (lg-io.c) */
  int senders;     /* S, spread evenly over the N clients */
  int window;      /* W, messages in flight over all senders */
  int size;        /* bytes of message text (at least what the header needs) */
  int echo;        /* the sender gets its own message back, as in selectchat */
  int addrs;       /* source addresses 127.0.x.y to spread clients over */
  int batch;       /* connections opened before waiting for their WELCOME */
  int warmup_ms;
  int duration_ms;
  int drain_ms;    /* how long to wait for the last messages before calling them lost */
  int server_pid;  /* whose CPU time and peak RSS to read; 0: none */
} lg_options_t;

/* ---- lg-hist.c: log-linear latency histogram (< 0.8% relative error) ---- */
typedef struct {
  uint64_t *counts;
  uint64_t total, sum, max;
} lg_hist_t;

int lg_hist_init(lg_hist_t *h);
void lg_hist_reset(lg_hist_t *h);
void lg_hist_record(lg_hist_t *h, uint64_t value);
uint64_t lg_hist_percentile(const lg_hist_t *h, double p);
void lg_hist_print(const lg_hist_t *h); /* JSON [[value, count], ...] */

/* ---- lg-track.c: which message reached whom ---- */
typedef struct {
  uint64_t deliveries;  /* expected deliveries that arrived */
  uint64_t completed;   /* messages that reached every receiver */
  uint64_t duplicated;  /* a receiver got a message it already had */
  uint64_t out_of_order;/* a receiver got a sender's message after a later one */
  uint64_t bad;         /* text that is no message of ours, or was never sent */
  uint64_t other_lines; /* JOIN, QUIT, ...: not MSG, ignored */
} lg_counts_t;

int lg_track_init(int clients, int senders, int window, int echo, int whisper);
/* A sender's allotment of the window, and the client it sends from. */
int lg_track_window(int sender);
int lg_track_client(int sender);
/* Registers the sender's next message; returns its sequence number. */
uint64_t lg_track_send(int sender, uint64_t now_ns);
/* Receiver got (sender, seq): -1 refused (duplicate, bad), 0 counted,
 * 1 counted and that completed the message (the sender may send again);
 * *sent_ns is when it was sent. */
int lg_track_deliver(int receiver, unsigned sender, uint64_t seq, uint64_t *sent_ns);
/* Deliveries still missing from incomplete messages: lost, once drained. */
uint64_t lg_track_missing(void);
/* Messages sent and not yet complete. */
uint64_t lg_track_in_flight(void);
extern lg_counts_t lg_counts;

/* ---- lg-parse.c: line formats ---- */
/* The text of a MSG or WHISPER line in either server format, or NULL. */
const char *lg_message_text(const char *line, const char *end);
/* The nick of a WELCOME line into nick[LG_NICK_CAP]: 0, or -EBADMSG. */
int lg_welcome_nick(const char *line, const char *end, char *nick);
/* Text sent by lg_format_text (exactly `size` bytes, or its header if
 * longer): 0, or -EBADMSG. */
int lg_parse_text(const char *text, const char *end, int size, uint64_t *sender,
                  uint64_t *seq);
/* Writes prefix, the text and '\n' to out (room for prefix + size + 64);
 * returns bytes. */
size_t lg_format_text(char *out, const char *prefix, int size, int sender, uint64_t seq,
                      uint64_t now);

/* ---- lg-io.c: plain or TLS bytes; results are bytes, 0 (EOF) or -errno ---- */
int lg_io_available_tls(void); /* built with OpenSSL */
int lg_io_init(int connections, int tls);
int lg_io_attach(int index, int fd);
ssize_t lg_io_read(int index, char *buf, size_t cap);
ssize_t lg_io_write(int index, const char *buf, size_t len);

/* ---- lg-conn.c: the connections, reading ---- */
void lg_fatal(const char *what, int err); /* prints and exits */
int lg_conn_init(const lg_options_t *o);  /* after lg_track_init */
int lg_conn_open(int index);              /* connect client `index` */
int lg_conn_greeted(void);                /* clients that got their first line */
const char *lg_conn_nick(int index);      /* from its WELCOME */
void lg_conn_turn(int timeout_ms, lg_hist_t *latency); /* NULL: no recording */
void lg_conn_watch_output(int index, int on);

/* ---- lg-send.c: the senders ---- */
int lg_send_init(const lg_options_t *o); /* after lg_track_init */
void lg_send_start(void);                /* grant every sender its window */
void lg_send_all(void);                  /* senders replace completed messages */
void lg_send_credit(int sender);         /* one of its messages completed */
void lg_send_flush_client(int client);   /* EPOLLOUT */
/* Batching shows here: syscalls per delivery. */
typedef struct {
  uint64_t reads, writes, waits;
} lg_syscalls_t;
extern lg_syscalls_t lg_syscalls;

/* ---- lg-proc.c: CPU time and memory from /proc and getrusage ---- */
#define LG_MAX_CPUS 64

typedef struct {
  double self_cpu_s;   /* this process, user + system */
  double server_cpu_s; /* the server, utime + stime from /proc/<pid>/stat */
  int cpus;
  uint64_t idle[LG_MAX_CPUS], steal; /* /proc/stat ticks */
} lg_snapshot_t;

void lg_snapshot(lg_snapshot_t *s, int server_pid);
long lg_server_peak_rss_kb(int server_pid);

uint64_t lg_now_ns(void);

#endif
