/* The generator's latency recorder: log-linear buckets as HdrHistogram
 * lays them out, 128 linear sub-buckets per power of two, so a bucket is at
 * most 1/128 of its value wide (< 0.8%), and recording is a shift and an
 * add: cheap enough for millions of deliveries a second. It only counts:
 * the bench loads the non-empty buckets into hdr-histogram-js, which does
 * the percentiles and merging (bench/latency.ts). Values are nanoseconds. */
#include "loadgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUB_BITS 7
#define SUB (1 << SUB_BITS)
#define TOP_BITS 40 /* 2^40 ns ≈ 18 minutes; larger values are clamped */
#define BUCKETS ((TOP_BITS - SUB_BITS + 2) * SUB)

static int bucket_of(uint64_t v) {
  int shift;

  if (v < SUB)
    return (int) v;
  if (v >= (uint64_t) 1 << TOP_BITS)
    v = ((uint64_t) 1 << TOP_BITS) - 1;
  shift = 63 - __builtin_clzll(v) - SUB_BITS;
  return ((shift + 1) << SUB_BITS) | (int) ((v >> shift) & (SUB - 1));
}

/* The middle of a bucket: within half a bucket of every value in it. */
static uint64_t value_of(int bucket) {
  int group = bucket >> SUB_BITS;
  uint64_t low;

  if (group == 0)
    return (uint64_t) bucket;
  low = (uint64_t) (SUB | (bucket & (SUB - 1))) << (group - 1);
  return low + (((uint64_t) 1 << (group - 1)) >> 1);
}

int lg_hist_init(lg_hist_t *h) {
  memset(h, 0, sizeof(*h));
  h->counts = calloc(BUCKETS, sizeof(uint64_t));
  return h->counts == NULL ? -1 : 0;
}

void lg_hist_reset(lg_hist_t *h) {
  memset(h->counts, 0, BUCKETS * sizeof(uint64_t));
  h->total = h->sum = h->max = 0;
}

void lg_hist_record(lg_hist_t *h, uint64_t value) {
  h->counts[bucket_of(value)]++;
  h->total++;
  h->sum += value;
  if (value > h->max)
    h->max = value;
}

/* Nearest rank, as bench/stats.ts does; p in 0..100. */
uint64_t lg_hist_percentile(const lg_hist_t *h, double p) {
  uint64_t rank = (uint64_t) (p / 100.0 * (double) h->total + 0.999999);
  uint64_t seen = 0;
  int i;

  if (h->total == 0)
    return 0;
  if (rank < 1)
    rank = 1;
  for (i = 0; i < BUCKETS; i++) {
    seen += h->counts[i];
    if (seen >= rank)
      return value_of(i) < h->max ? value_of(i) : h->max;
  }
  return h->max;
}

/* JSON: [[value, count], ...] of the non-empty buckets, value the middle of
 * its bucket (the max for the top one, so the largest sample is exact). */
void lg_hist_print(const lg_hist_t *h) {
  const char *sep = "";
  int i;

  printf("[");
  for (i = 0; i < BUCKETS; i++) {
    if (h->counts[i] == 0)
      continue;
    printf("%s[%llu,%llu]", sep,
           (unsigned long long) (value_of(i) < h->max ? value_of(i) : h->max),
           (unsigned long long) h->counts[i]);
    sep = ",";
  }
  printf("]");
}
