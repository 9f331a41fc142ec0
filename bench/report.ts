/** The tables at the end of a run, and the notes a reader must not miss. */
import type { Pin } from './options';
import type { RunResult } from './run';
import { REFERENCE } from './servers';
import type { Summary } from './summary';
import { round, table } from './stats';

/** Above this, other processes took a CPU's worth that the runs needed: say so. */
const NOISY_OTHERS_PCT = 25;
/** Above this, in a placement where the generator has its own CPU, it may limit the run. */
const GENERATOR_BUSY_PCT = 90;

export const PIN_TITLES: Record<Pin, string> = {
  split: 'pinned apart (generator on CPU 0, server on the last CPU): read deliv/s',
  same: 'server-bound (server and generator share one CPU): read srv ns/deliv and eff',
  none: 'placed by the OS: deliveries/s as a user gets them',
};

/** 3 significant digits with k/M: 2.69M, 269k, 950. */
export function si(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 1e6) return `${round(value / 1e6)}M`;
  if (value >= 1e4) return `${round(value / 1e3)}k`;
  return String(round(value));
}

function fixed(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function errors(s: Summary): string {
  return `${s.lost}/${s.duplicated}/${s.outOfOrder}${s.badLines > 0 ? ` bad ${s.badLines}` : ''}`;
}

function name(s: Summary): string {
  return s.failed > 0 ? `${s.server} (${s.failed} failed)` : s.server;
}

/** A ratio cell: 1 for the reference itself, '-' when there is none. */
function ratio(s: Summary, pick: (v: NonNullable<Summary['vs']>) => number): string {
  if (s.vs === undefined) return s.server === REFERENCE ? '1' : '-';
  return fixed(pick(s.vs));
}

/** A table column: its header and its cell for one summary. */
type Column = [string, (s: Summary) => string];

/** Where the server and the machine stood: beside every figure. */
const CONTEXT: Column[] = [
  ['srv CPU%', (s) => fixed(s.serverCpuPct, 0)],
  ['RSS MiB', (s) => fixed(s.serverPeakRssMiB, 1)],
  ['gen CPU%', (s) => fixed(s.loadgenCpuPct, 0)],
  ['others%', (s) => fixed(s.othersCpuPct, 0)],
  ['lost/dup/ooo', errors],
];

function fanoutColumns(ref: string): Column[] {
  return [
    ['N', (s) => String(s.clients)],
    ['server', name],
    ['deliv/s', (s) => si(s.deliveriesPerS)],
    [ref, (s) => ratio(s, (v) => v.deliveries)],
    ['msg/s', (s) => si(s.messagesPerS)],
    ['p50 µs', (s) => si(s.latencyUs.p50)],
    ['p90 µs', (s) => si(s.latencyUs.p90)],
    ['p99 µs', (s) => si(s.latencyUs.p99)],
    [`p99 ${ref}`, (s) => ratio(s, (v) => v.p99)],
    ['max µs', (s) => si(s.latencyUs.max)],
    ['srv ns/deliv', (s) => si(s.serverNsPerDelivery)],
    [`eff ${ref}`, (s) => ratio(s, (v) => v.efficiency)],
    ...CONTEXT,
  ];
}

const IDLE_COLUMNS: Column[] = [
  ['idle', (s) => String(s.idle)],
  ['server', name],
  ['events/s', (s) => si(s.deliveriesPerS)],
  ['srv µs/event', (s) => fixed(s.serverNsPerDelivery / 1000, 1)],
  ['eff ×ref', (s) => ratio(s, (v) => v.efficiency)],
  ['p50 µs', (s) => si(s.latencyUs.p50)],
  ['p99 µs', (s) => si(s.latencyUs.p99)],
  ...CONTEXT,
];

function tableOf(columns: readonly Column[], rows: readonly Summary[]): string {
  return table(
    columns.map(([header]) => header),
    rows.map((s) => columns.map(([, cell]) => cell(s))),
  );
}

export function formatTables(summaries: readonly Summary[], idleActive?: number): string {
  const parts: string[] = [];
  const fanout = summaries.filter((s) => s.experiment === 'fanout');
  for (const pin of [...new Set(fanout.map((s) => s.pin))]) {
    for (const transport of ['plain', 'tls'] as const) {
      const rows = fanout.filter((s) => s.pin === pin && s.transport === transport);
      if (rows.length === 0) continue;
      const what =
        transport === 'tls' ? 'TLS (ratios to the same backend over plain TCP)' : 'plain TCP';
      parts.push(
        `fan-out, ${what}, ${PIN_TITLES[pin]}\n${tableOf(fanoutColumns(transport === 'tls' ? '×plain' : '×ref'), rows)}`,
      );
    }
  }
  const idle = summaries.filter((s) => s.experiment === 'idle');
  if (idle.length > 0) {
    const active = idleActive === undefined ? 'a few' : String(idleActive);
    parts.push(
      `idle connections: ${active} active clients whispering to themselves beside N idle ones ` +
        `(${idle[0].pin}): read srv µs/event\n${tableOf(IDLE_COLUMNS, idle)}`,
    );
  }
  return parts.join('\n\n');
}

function where(s: Summary): string {
  return `${s.server} at ${s.experiment === 'idle' ? `idle=${s.idle}` : `N=${s.clients}`} (${s.pin})`;
}

/** What a reader should not miss: errors, a busy machine, a generator near its limit. */
export function warnings(summaries: readonly Summary[], results: readonly RunResult[]): string[] {
  const notes: string[] = [];
  for (const s of summaries) {
    if (s.lost + s.duplicated + s.outOfOrder + s.badLines > 0) {
      notes.push(
        `${where(s)}: lost ${s.lost}, duplicated ${s.duplicated}, out of order ${s.outOfOrder}, ` +
          `bad lines ${s.badLines}: the server is wrong`,
      );
    }
    if (s.pin !== 'same' && s.loadgenCpuPct > GENERATOR_BUSY_PCT) {
      const effect =
        s.server === REFERENCE
          ? 'c-ref may be generator-bound here, so ratios to it flatter the others (upper bounds)'
          : 'this figure may be generator-bound (a lower bound)';
      notes.push(`${where(s)}: the generator used ${round(s.loadgenCpuPct)}% of a CPU: ${effect}`);
    }
  }
  const noisy = summaries.filter((s) => s.othersCpuPct > NOISY_OTHERS_PCT);
  if (noisy.length > 0) {
    const worst = Math.max(...noisy.map((s) => s.othersCpuPct));
    notes.push(
      `other processes used more than ${NOISY_OTHERS_PCT}% of a CPU (up to ${round(worst)}%) in ` +
        `${noisy.length} of ${summaries.length} rows (others%): compare rows of similar others%, ` +
        'or rerun on a quieter machine',
    );
  }
  for (const r of results.filter((run) => run.error !== undefined)) {
    notes.push(
      `${r.server} (${r.experiment}, N=${r.clients}, idle=${r.idle}, ${r.pin}) failed: ${r.error ?? ''}`,
    );
  }
  return notes;
}

/** The generator's own cost where it drove the fastest server with a CPU of its own. */
export function generatorCapacity(summaries: readonly Summary[]): string {
  const ref = summaries.filter(
    (s) => s.experiment === 'fanout' && s.server === REFERENCE && s.pin !== 'same',
  );
  if (ref.length === 0) return '';
  const parts = ref.map(
    (s) =>
      `N=${s.clients} (${s.pin}): ${round(s.loadgenCpuPct)}% of a CPU at ` +
      `${round(s.deliveriesPerS / 1e6)} M deliv/s, capacity ` +
      `${round(s.loadgenDeliveriesPerCpuS / 1e6)} M deliv/s per CPU-second; c-ref ` +
      `${round(s.serverNsPerDelivery)} ns/deliv`,
  );
  return `generator driving c-ref: ${parts.join('; ')}`;
}
