/**
 * Medians over the repetitions, and ratios measured side by side: each run is compared with its
 * reference run of the same repetition (same experiment, placement and size, seconds apart), and
 * the median of those ratios is reported, so drift in the machine's load cancels.
 * References: c-ref for a plain server; the same backend over plain TCP for a TLS one.
 */
import type { RunMetrics } from './loadgen-json';
import type { Experiment, Pin, Transport } from './options';
import type { RunResult } from './run';
import { REFERENCE } from './servers';
import { median } from './stats';

export interface Ratios {
  /** The server this one is compared with. */
  against: string;
  /** deliveries/s and p99 as this ÷ that; efficiency as that's CPU per delivery ÷ this one's. */
  deliveries: number;
  p99: number;
  efficiency: number;
}

export interface Summary {
  experiment: Experiment;
  pin: Pin;
  clients: number;
  idle: number;
  server: string;
  transport: Transport;
  runs: number;
  failed: number;
  /** Medians over the measured repetitions. */
  deliveriesPerS: number;
  messagesPerS: number;
  latencyUs: { p50: number; p90: number; p99: number; max: number };
  serverCpuPct: number;
  serverNsPerDelivery: number;
  serverPeakRssMiB: number;
  loadgenCpuPct: number;
  loadgenDeliveriesPerCpuS: number;
  othersCpuPct: number;
  /** Sums over every run, warm-ups and drains included: all must be 0. */
  lost: number;
  duplicated: number;
  outOfOrder: number;
  badLines: number;
  vs?: Ratios;
}

/** The reference of a server: c-ref for plain ones, the plain twin for `<backend>+tls`. */
export function referenceOf(server: string, transport: Transport): string | undefined {
  if (transport === 'tls') return server.replace(/\+tls$/, '');
  return server === REFERENCE ? undefined : REFERENCE;
}

function med(runs: readonly RunMetrics[], pick: (m: RunMetrics) => number): number {
  return median(runs.map(pick));
}

/** Median of this ÷ reference (or reference ÷ this with `invert`), pairing runs by repetition. */
export function pairedRatio(
  runs: readonly RunResult[],
  refs: readonly RunResult[],
  pick: (m: RunMetrics) => number,
  invert = false,
): number {
  const ratios: number[] = [];
  for (const run of runs) {
    const ref = refs.find((r) => r.rep === run.rep)?.metrics;
    if (run.metrics === undefined || ref === undefined) continue;
    const [a, b] = invert ? [pick(ref), pick(run.metrics)] : [pick(run.metrics), pick(ref)];
    if (b > 0 && Number.isFinite(a)) ratios.push(a / b);
  }
  return ratios.length > 0 ? median(ratios) : Number.NaN;
}

function summarizeGroup(runs: readonly RunResult[], refs: readonly RunResult[]): Summary {
  const ok = runs.flatMap((run) => (run.metrics === undefined ? [] : [run.metrics]));
  const sum = (pick: (m: RunMetrics) => number): number =>
    ok.reduce((total, m) => total + pick(m), 0);
  const first = runs[0];
  const summary: Summary = {
    experiment: first.experiment,
    pin: first.pin,
    clients: first.clients,
    idle: first.idle,
    server: first.server,
    transport: first.transport,
    runs: ok.length,
    failed: runs.length - ok.length,
    deliveriesPerS: med(ok, (m) => m.deliveriesPerS),
    messagesPerS: med(ok, (m) => m.messagesPerS),
    latencyUs: {
      p50: med(ok, (m) => m.latencyUs.p50),
      p90: med(ok, (m) => m.latencyUs.p90),
      p99: med(ok, (m) => m.latencyUs.p99),
      max: med(ok, (m) => m.latencyUs.max),
    },
    serverCpuPct: med(ok, (m) => m.serverCpuPct),
    serverNsPerDelivery: med(ok, (m) => m.serverNsPerDelivery),
    serverPeakRssMiB: med(ok, (m) => m.serverPeakRssKb / 1024),
    loadgenCpuPct: med(ok, (m) => m.loadgenCpuPct),
    loadgenDeliveriesPerCpuS: med(ok, (m) => m.loadgenDeliveriesPerCpuS),
    othersCpuPct: med(ok, (m) => m.othersCpuPct),
    lost: sum((m) => m.lost),
    duplicated: sum((m) => m.duplicated),
    outOfOrder: sum((m) => m.outOfOrder),
    badLines: sum((m) => m.badLines),
  };
  const against = referenceOf(first.server, first.transport);
  if (against !== undefined && refs.length > 0) {
    summary.vs = {
      against,
      deliveries: pairedRatio(runs, refs, (m) => m.deliveriesPerS),
      p99: pairedRatio(runs, refs, (m) => m.latencyUs.p99),
      efficiency: pairedRatio(runs, refs, (m) => m.serverNsPerDelivery, true),
    };
  }
  return summary;
}

function groupKey(r: RunResult, server = r.server): string {
  return [r.experiment, r.pin, r.clients, r.idle, server].join('\t');
}

/** One summary per (experiment, placement, size, server), in the order they ran. */
export function summarize(results: readonly RunResult[]): Summary[] {
  const measured = results.filter((r) => r.rep >= 0);
  const groups = new Map<string, RunResult[]>();
  for (const r of measured) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
  return [...groups.values()].map((runs) => {
    const against = referenceOf(runs[0].server, runs[0].transport);
    const refs = against === undefined ? [] : (groups.get(groupKey(runs[0], against)) ?? []);
    return summarizeGroup(runs, refs);
  });
}
