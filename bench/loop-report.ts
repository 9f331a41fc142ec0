/** The tables `npm run bench:loop` prints: every row, and the backends side by side. */
import type { CpuLoad } from './cpu-load';
import type { LatencyRow } from './loop-latency';
import type { WaitCostRow } from './loop-wait-cost';
import { round, table } from './stats';

export type MeasuredLatencyRow = LatencyRow & { load: CpuLoad | undefined };
export type MeasuredWaitCostRow = WaitCostRow & { load: CpuLoad | undefined };

const f = (value: number | undefined): string =>
  value === undefined ? '-' : round(value).toString();

function busy(load: CpuLoad | undefined): string {
  return load === undefined ? '?' : String(load.machineBusyPct);
}

export function latencyTable(rows: readonly MeasuredLatencyRow[]): string {
  return table(
    [
      'backend',
      'sockets',
      'highest fd',
      'mode',
      'samples',
      'p50',
      'p90',
      'p99',
      'max',
      'in wait',
      'same CPU',
      'busy %',
    ],
    rows.map((row) => [
      row.backend,
      String(row.sockets),
      String(row.highestFd),
      row.mode,
      String(row.samples),
      f(row.p50),
      f(row.p90),
      f(row.p99),
      f(row.max),
      `${row.inWait}/${row.samples}`,
      `${row.sameCpu}/${row.samples}`,
      busy(row.load),
    ]),
  );
}

export function costTable(rows: readonly MeasuredWaitCostRow[]): string {
  const base = (backend: string): number | undefined =>
    rows.find((row) => row.backend === backend && row.watched === 0)?.usPerCall;
  const fdRange = (row: WaitCostRow): string =>
    row.lowestFd === null ? '-' : `${row.lowestFd}..${row.highestFd}`;
  const perFd = (row: MeasuredWaitCostRow): string => {
    const zero = base(row.backend);
    return zero === undefined || row.watched === 0
      ? '-'
      : f(((row.usPerCall - zero) * 1000) / row.watched);
  };
  return table(
    [
      'backend',
      'watched',
      'placement',
      'our fds',
      'µs/call',
      'min',
      'max',
      'ns/fd over 0',
      'events',
      'busy %',
    ],
    rows.map((row) => [
      row.backend,
      String(row.watched),
      row.watched === 0 ? '-' : row.placement,
      fdRange(row),
      f(row.usPerCall),
      f(row.minUsPerCall),
      f(row.maxUsPerCall),
      perFd(row),
      String(row.nonEmpty),
      busy(row.load),
    ]),
  );
}

/**
 * One row per N, one column per backend and figure: the zero-timeout wait (low placement) and
 * the parked wake-up's p50 and p99, as measured side by side.
 */
export function sideBySideTable(
  backends: readonly string[],
  latency: readonly MeasuredLatencyRow[],
  cost: readonly MeasuredWaitCostRow[],
): string {
  const sizes = [...new Set([...latency.map((r) => r.sockets), ...cost.map((r) => r.watched)])];
  sizes.sort((a, b) => a - b);
  const costOf = (backend: string, n: number): number | undefined =>
    cost.find((r) => r.backend === backend && r.watched === n && (n === 0 || r.placement === 'low'))
      ?.usPerCall;
  const wake = (backend: string, n: number): MeasuredLatencyRow | undefined =>
    latency.find((r) => r.backend === backend && r.sockets === n && r.mode === 'parked');
  return table(
    [
      'watched',
      ...backends.map((b) => `${b} µs/wait`),
      ...backends.map((b) => `${b} wake p50`),
      ...backends.map((b) => `${b} p99`),
    ],
    sizes.map((n) => [
      String(n),
      ...backends.map((b) => f(costOf(b, n))),
      ...backends.map((b) => f(wake(b, n)?.p50)),
      ...backends.map((b) => f(wake(b, n)?.p99)),
    ]),
  );
}
