/** Medians, ratios to the C reference measured in the same repetition, and the tables. */
import type { Pin } from './fanout-options';
import type { RunMetrics, RunResult } from './fanout-run';
import { median, round, table } from './stats';

export const REFERENCE = 'c-ref';

export interface Summary {
  pin: Pin;
  clients: number;
  server: string;
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
  /**
   * Medians of per-repetition ratios to c-ref (same N, placement and repetition, so drift in
   * the machine's load cancels): deliveries/s and p99 as this ÷ c-ref; efficiency as c-ref's CPU
   * per delivery ÷ this one's, so > 1 is better for all but p99.
   */
  vsRef?: { deliveries: number; p99: number; efficiency: number };
}

function med(runs: readonly RunMetrics[], pick: (m: RunMetrics) => number): number {
  return median(runs.map(pick));
}

function pairedRatio(
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
    if (b > 0) ratios.push(a / b);
  }
  return ratios.length > 0 ? median(ratios) : Number.NaN;
}

function summarizeGroup(runs: readonly RunResult[], refs: readonly RunResult[]): Summary {
  const ok = runs.flatMap((run) => (run.metrics === undefined ? [] : [run.metrics]));
  const sum = (pick: (m: RunMetrics) => number): number =>
    ok.reduce((total, m) => total + pick(m), 0);
  const summary: Summary = {
    pin: runs[0].pin,
    clients: runs[0].clients,
    server: runs[0].server,
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
  if (refs.length > 0) {
    summary.vsRef = {
      deliveries: pairedRatio(runs, refs, (m) => m.deliveriesPerS),
      p99: pairedRatio(runs, refs, (m) => m.latencyUs.p99),
      efficiency: pairedRatio(runs, refs, (m) => m.serverNsPerDelivery, true),
    };
  }
  return summary;
}

/** One summary per (placement, N, server), in the order they ran. */
export function summarize(results: readonly RunResult[]): Summary[] {
  const measured = results.filter((r) => r.rep >= 0);
  const keys = [...new Set(measured.map((r) => `${r.pin}\t${r.clients}\t${r.server}`))];
  return keys.map((key) => {
    const [pin, clients, server] = key.split('\t');
    const group = (name: string): RunResult[] =>
      measured.filter((r) => r.pin === pin && String(r.clients) === clients && r.server === name);
    return summarizeGroup(group(server), group(REFERENCE));
  });
}

/** 3 significant digits with k/M: 2.69M, 269k, 950. */
function si(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 1e6) return `${round(value / 1e6)}M`;
  if (value >= 1e4) return `${round(value / 1e3)}k`;
  return String(round(value));
}

function fixed(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

const HEADER = [
  'N',
  'server',
  'deliv/s',
  '×ref',
  'msg/s',
  'p50 µs',
  'p90 µs',
  'p99 µs',
  'p99 ×ref',
  'max µs',
  'srv CPU%',
  'srv ns/deliv',
  'eff ×ref',
  'RSS MiB',
  'gen CPU%',
  'others%',
  'lost/dup/ooo',
];

function row(s: Summary): string[] {
  const errors = `${s.lost}/${s.duplicated}/${s.outOfOrder}${s.badLines > 0 ? ` bad ${s.badLines}` : ''}`;
  const ref = s.server === REFERENCE;
  return [
    String(s.clients),
    s.failed > 0 ? `${s.server} (${s.failed} failed)` : s.server,
    si(s.deliveriesPerS),
    ref ? '1' : fixed(s.vsRef?.deliveries),
    si(s.messagesPerS),
    si(s.latencyUs.p50),
    si(s.latencyUs.p90),
    si(s.latencyUs.p99),
    ref ? '1' : fixed(s.vsRef?.p99),
    si(s.latencyUs.max),
    fixed(s.serverCpuPct, 0),
    si(s.serverNsPerDelivery),
    ref ? '1' : fixed(s.vsRef?.efficiency),
    fixed(s.serverPeakRssMiB, 1),
    fixed(s.loadgenCpuPct, 0),
    fixed(s.othersCpuPct, 0),
    errors,
  ];
}

export const PIN_TITLES: Record<Pin, string> = {
  none: 'placement none: the OS schedules server and generator (deliveries/s)',
  same: 'placement same: server and generator share one CPU, server-bound (srv ns/deliv, eff)',
  split: 'placement split: generator on CPU 0, server on the last CPU (deliveries/s)',
};

export function formatTables(summaries: readonly Summary[]): string {
  const pins = [...new Set(summaries.map((s) => s.pin))];
  return pins
    .map((pin) => {
      const rows = summaries.filter((s) => s.pin === pin).map(row);
      return `${PIN_TITLES[pin]}\n${table(HEADER, rows)}`;
    })
    .join('\n\n');
}
