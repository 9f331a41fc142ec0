/* Clocks and CPU accounting. The server's CPU time comes from
 * /proc/<pid>/stat (utime + stime of all its threads, so Node's GC and
 * helper threads count); /proc/stat per CPU shows who else was busy. */
#include "loadgen.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

uint64_t lg_now_ns(void) {
  static uint64_t start;
  struct timespec ts;
  uint64_t now;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  now = (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
  if (start == 0)
    start = now - 1;
  return now - start;
}

static double self_cpu_s(void) {
  struct rusage ru;

  getrusage(RUSAGE_SELF, &ru);
  return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Fields 14 and 15 of /proc/<pid>/stat; the name (field 2) may hold spaces
 * and parentheses, so parsing starts after its last ')'. */
static double process_cpu_s(int pid) {
  char path[64], buf[1024], *p;
  unsigned long utime, stime;
  size_t n;
  FILE *f;

  snprintf(path, sizeof(path), "/proc/%d/stat", pid);
  f = fopen(path, "r");
  if (f == NULL)
    return -1;
  n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = '\0';
  p = strrchr(buf, ')');
  if (p == NULL ||
      sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
             &utime, &stime) != 2)
    return -1;
  return (double) (utime + stime) / (double) sysconf(_SC_CLK_TCK);
}

/* Per CPU, the time it did nothing for anyone: idle + iowait, and steal
 * (the hypervisor ran other guests). Busy time is the rest of the wall
 * time: with a tickless kernel, idle time is measured exactly while busy
 * time is sampled by ticks, which miss much of the short bursts of a
 * ping-pong workload, so the sum of the busy fields undercounts. */
static void cpu_ticks(lg_snapshot_t *s) {
  unsigned long long v[8];
  char line[512];
  FILE *f = fopen("/proc/stat", "r");

  s->cpus = 0;
  s->steal = 0;
  if (f == NULL)
    return;
  while (fgets(line, sizeof(line), f) != NULL && s->cpus < LG_MAX_CPUS) {
    if (strncmp(line, "cpu", 3) != 0 || line[3] == ' ')
      continue;
    if (sscanf(line, "%*s %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
               &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
      continue;
    s->idle[s->cpus] = v[3] + v[4] + v[7];
    s->steal += v[7];
    s->cpus++;
  }
  fclose(f);
}

void lg_snapshot(lg_snapshot_t *s, int server_pid) {
  s->self_cpu_s = self_cpu_s();
  s->server_cpu_s = server_pid > 0 ? process_cpu_s(server_pid) : -1;
  cpu_ticks(s);
}

long lg_server_peak_rss_kb(int server_pid) {
  char path[64], line[256];
  long kb = -1;
  FILE *f;

  if (server_pid <= 0)
    return -1;
  snprintf(path, sizeof(path), "/proc/%d/status", server_pid);
  f = fopen(path, "r");
  if (f == NULL)
    return -1;
  while (fgets(line, sizeof(line), f) != NULL)
    if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
      break;
  fclose(f);
  return kb;
}
