/**
 * Latency statistics with HdrHistogram (hdr-histogram-js). The C generator records every delivery
 * into log-linear buckets of its own (< 0.8% wide, bench/c/lg-hist.c): recording must cost a few
 * nanoseconds at millions of deliveries a second, which no call into JavaScript does. It hands
 * over the non-empty buckets; here they become an HdrHistogram (3 significant digits, so it adds
 * no error of its own), which computes the percentiles, merges repetitions, and is kept in the
 * JSON in HdrHistogram's standard compressed form for anyone to decode and re-analyse.
 */
import * as hdr from 'hdr-histogram-js';

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

/** Bucket value in ns, count: what the generator prints as `latency_hist_ns`. */
export type Buckets = [number, number][];

function empty(): hdr.Histogram {
  return hdr.build({ numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1 });
}

export function fromBuckets(buckets: Buckets): hdr.Histogram {
  const histogram = empty();
  for (const [value, count] of buckets) {
    if (!Number.isInteger(value) || !Number.isInteger(count) || value < 0 || count < 0) {
      throw new Error(`latency bucket [${value}, ${count}] is not two non-negative integers`);
    }
    if (count > 0) histogram.recordValueWithCount(value, count);
  }
  return histogram;
}

/** Percentiles in µs (the histogram holds ns). */
export function percentilesUs(histogram: hdr.Histogram): Percentiles {
  const us = (ns: number): number => ns / 1000;
  if (histogram.totalCount === 0) {
    return {
      p50: Number.NaN,
      p90: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
      mean: Number.NaN,
      count: 0,
    };
  }
  return {
    p50: us(histogram.getValueAtPercentile(50)),
    p90: us(histogram.getValueAtPercentile(90)),
    p99: us(histogram.getValueAtPercentile(99)),
    max: us(histogram.maxValue),
    mean: us(histogram.mean),
    count: histogram.totalCount,
  };
}

export function encode(histogram: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Every repetition's deliveries in one histogram (decoded from `encode`'s strings). */
export function merge(encoded: readonly string[]): hdr.Histogram {
  const total = empty();
  for (const text of encoded) total.add(hdr.decodeFromCompressedBase64(text));
  return total;
}
