/* The fan-out load generator of `npm run bench`: one process, one epoll.
 *
 * Opens N clients to a chat server (waiting for each one's first line, so
 * none misses a broadcast), then S of them send in a closed loop with W
 * messages in flight in total: a message that has reached every receiver
 * (the sender too with --echo 1) is replaced by the sender's next one. Each
 * message carries its sender, sequence number and send time, so every
 * delivery is checked (lost, duplicated, out of order per receiver and
 * sender) and timed (send → the read that brought it).
 *
 * Phases: connect, warm-up (--warmup-ms, not counted), the measured window
 * (--duration-ms), then a drain without new messages (--drain-ms at most):
 * what has not arrived by then is lost. Prints one JSON line; its own CPU
 * time is in it, so nobody mistakes a generator bottleneck for a server's.
 *
 * The idle-connection experiment (libevent's test/bench.c, as a chat):
 * --idle I more connections that never send and must receive no message,
 * and --whisper 1, so each sender's message goes to itself alone through
 * the server ("/whisper <own nick> <text>"): per event, the server does one
 * read and one write, whatever I is; what grows with I is the backend's.
 * --tls 1 speaks TLS (built with -DLG_TLS and OpenSSL; exit 3 without).
 *
 *   loadgen --port P --clients N [--senders 10] [--window 64] [--size 32]
 *           [--echo 1] [--idle 0] [--whisper 0] [--tls 0] [--addrs N]
 *           [--warmup-ms 1000] [--duration-ms 5000] [--drain-ms 2000]
 *           [--pid SERVER_PID] [--host 127.0.0.1] */
#include "loadgen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Connecting may take a while: a TLS handshake each, and selectchat
 * announces every join to everyone (N² lines, ~3 µs each over TLS). */
#define CONNECT_TIMEOUT_NS(n) (30000000000ull + (uint64_t) (n) * (uint64_t) (n) * 10u)

static lg_options_t opt = {
  .host = "127.0.0.1", .senders = 10, .window = 64, .size = 32, .echo = 1,
  .batch = 64, .warmup_ms = 1000, .duration_ms = 5000, .drain_ms = 2000,
};

static int option(const char *name, const char *value) {
  static const struct { const char *name; int *field; } ints[] = {
    { "--port", &opt.port },          { "--clients", &opt.clients },
    { "--senders", &opt.senders },    { "--window", &opt.window },
    { "--size", &opt.size },          { "--echo", &opt.echo },
    { "--addrs", &opt.addrs },        { "--batch", &opt.batch },
    { "--warmup-ms", &opt.warmup_ms }, { "--duration-ms", &opt.duration_ms },
    { "--drain-ms", &opt.drain_ms },  { "--pid", &opt.server_pid },
    { "--idle", &opt.idle },          { "--whisper", &opt.whisper },
    { "--tls", &opt.tls },
  };
  size_t i;

  if (strcmp(name, "--host") == 0) {
    opt.host = value;
    return 0;
  }
  for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
    if (strcmp(name, ints[i].name) == 0) {
      *ints[i].field = atoi(value);
      return 0;
    }
  return -EINVAL;
}

static int parse_options(int argc, char **argv) {
  int i;

  for (i = 1; i + 1 < argc; i += 2)
    if (option(argv[i], argv[i + 1]) < 0)
      return -EINVAL;
  if (i != argc || opt.port <= 0 || opt.clients < 2 || opt.senders < 1 ||
      opt.senders > opt.clients || opt.window < opt.senders || opt.size < 1 ||
      opt.duration_ms <= 0 || opt.batch < 1 || opt.idle < 0)
    return -EINVAL;
  if (opt.addrs <= 0 || opt.addrs > 254 * 256)
    opt.addrs = opt.clients + opt.idle < 254 * 256 ? opt.clients + opt.idle : 254 * 256;
  return 0;
}

/* In batches, each waiting for its WELCOMEs: a server slow to accept
 * never sees more than a batch in its listen backlog. */
static double connect_all(void) {
  uint64_t start = lg_now_ns();
  int total = opt.clients + opt.idle, i, err;

  for (i = 0; i < total; i++) {
    err = lg_conn_open(i);
    if (err < 0) {
      fprintf(stderr, "loadgen: connect #%d: %s\n", i, strerror(-err));
      exit(1);
    }
    if ((i + 1) % opt.batch != 0 && i + 1 < total)
      continue;
    while (lg_conn_greeted() < i + 1) {
      if (lg_now_ns() - start > CONNECT_TIMEOUT_NS(total)) {
        fprintf(stderr, "loadgen: %d of %d clients greeted\n", lg_conn_greeted(), i + 1);
        exit(1);
      }
      lg_conn_turn(10, NULL);
    }
  }
  return (double) (lg_now_ns() - start) / 1e9;
}

/* Turns until `until_ns`; senders replace completed messages if `send`. */
static void run_until(uint64_t until_ns, int send, lg_hist_t *latency) {
  while (lg_now_ns() < until_ns) {
    lg_conn_turn(1, latency);
    if (send)
      lg_send_all();
  }
}

static void drain(void) {
  uint64_t until = lg_now_ns() + (uint64_t) opt.drain_ms * 1000000u;

  while (lg_track_in_flight() > 0 && lg_now_ns() < until)
    lg_conn_turn(1, NULL);
}

/* Busy % per CPU over the window, and the machine's busy CPU-seconds: the
 * server's and ours subtracted, what is left is everyone else's. */
static void print_cpus(const lg_snapshot_t *a, const lg_snapshot_t *b, double window_s) {
  double hz = (double) sysconf(_SC_CLK_TCK), busy_s = 0;
  int i;

  printf("\"cpu_busy_pct\":[");
  for (i = 0; i < b->cpus && i < a->cpus; i++) {
    double busy = window_s - (double) (b->idle[i] - a->idle[i]) / hz;

    busy = busy < 0 ? 0 : busy;
    busy_s += busy;
    printf("%s%.1f", i > 0 ? "," : "", 100.0 * busy / window_s);
  }
  printf("],\"machine_busy_cpu_s\":%.4f,\"steal_pct\":%.1f,", busy_s,
         a->cpus > 0 ? 100.0 * (double) (b->steal - a->steal) / hz / window_s / a->cpus : 0.0);
}

/* Everything counted, at one edge of the measured window. */
typedef struct {
  uint64_t at_ns;
  lg_counts_t counts;
  lg_syscalls_t calls;
  lg_snapshot_t cpu;
} mark_t;

static void mark(mark_t *m) {
  m->at_ns = lg_now_ns();
  m->counts = lg_counts;
  m->calls = lg_syscalls;
  lg_snapshot(&m->cpu, opt.server_pid);
}

static void print_rates(const mark_t *a, const mark_t *b) {
  double s = (double) (b->at_ns - a->at_ns) / 1e9;
  uint64_t messages = b->counts.completed - a->counts.completed;
  uint64_t deliveries = b->counts.deliveries - a->counts.deliveries;

  printf("\"window_s\":%.4f,\"messages\":%llu,\"deliveries\":%llu,", s,
         (unsigned long long) messages, (unsigned long long) deliveries);
  printf("\"messages_per_s\":%.1f,\"deliveries_per_s\":%.1f,", messages / s,
         deliveries / s);
  printf("\"loadgen_syscalls\":{\"reads\":%llu,\"writes\":%llu,\"waits\":%llu},",
         (unsigned long long) (b->calls.reads - a->calls.reads),
         (unsigned long long) (b->calls.writes - a->calls.writes),
         (unsigned long long) (b->calls.waits - a->calls.waits));
}

static void print_latency(const lg_hist_t *h) {
  printf("\"latency_us\":{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"max\":%.2f,"
         "\"mean\":%.2f},",
         lg_hist_percentile(h, 50) / 1e3, lg_hist_percentile(h, 90) / 1e3,
         lg_hist_percentile(h, 99) / 1e3, h->max / 1e3,
         h->total > 0 ? (double) h->sum / (double) h->total / 1e3 : 0.0);
}

/* Rates from the window's edges; correctness from the whole run, warm-up
 * and drain included. */
static void report(double connect_s, const mark_t *a, const mark_t *b, const lg_hist_t *h,
                   uint64_t lost, long rss_kb) {
  printf("{\"clients\":%d,\"senders\":%d,\"window\":%d,\"size\":%d,\"echo\":%d,"
         "\"idle\":%d,\"whisper\":%d,\"tls\":%d,\"connect_s\":%.3f,",
         opt.clients, opt.senders, opt.window, opt.size, opt.echo, opt.idle, opt.whisper,
         opt.tls, connect_s);
  print_rates(a, b);
  print_latency(h);
  printf("\"latency_hist_ns\":");
  lg_hist_print(h);
  printf(",");
  printf("\"lost\":%llu,\"duplicated\":%llu,\"out_of_order\":%llu,\"bad_lines\":%llu,"
         "\"other_lines\":%llu,",
         (unsigned long long) lost, (unsigned long long) lg_counts.duplicated,
         (unsigned long long) lg_counts.out_of_order, (unsigned long long) lg_counts.bad,
         (unsigned long long) lg_counts.other_lines);
  print_cpus(&a->cpu, &b->cpu, (double) (b->at_ns - a->at_ns) / 1e9);
  printf("\"loadgen_cpu_s\":%.4f,\"server_cpu_s\":%.4f,\"server_peak_rss_kb\":%ld}\n",
         b->cpu.self_cpu_s - a->cpu.self_cpu_s,
         a->cpu.server_cpu_s < 0 ? -1.0 : b->cpu.server_cpu_s - a->cpu.server_cpu_s, rss_kb);
}

int main(int argc, char **argv) {
  struct rlimit rl;
  mark_t start, end;
  lg_hist_t latency;
  double connect_s;

  if (parse_options(argc, argv) < 0) {
    fprintf(stderr, "usage: loadgen --port P --clients N [--senders S] [--window W] ...\n"
                    "(see the comment at the top of bench/c/loadgen.c)\n");
    return 2;
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (opt.tls && !lg_io_available_tls()) {
    fprintf(stderr, "loadgen: built without OpenSSL: no --tls (install libssl-dev)\n");
    return 3;
  }
  if (lg_track_init(opt.clients, opt.senders, opt.window, opt.echo, opt.whisper) < 0 ||
      lg_conn_init(&opt) < 0 || lg_send_init(&opt) < 0 || lg_hist_init(&latency) < 0) {
    fprintf(stderr, "loadgen: out of memory\n");
    return 1;
  }
  lg_now_ns();
  connect_s = connect_all();

  lg_send_start();
  run_until(lg_now_ns() + (uint64_t) opt.warmup_ms * 1000000u, 1, NULL);

  mark(&start);
  run_until(start.at_ns + (uint64_t) opt.duration_ms * 1000000u, 1, &latency);
  mark(&end);

  drain();
  report(connect_s, &start, &end, &latency, lg_track_missing(),
         lg_server_peak_rss_kb(opt.server_pid));
  return 0;
}
