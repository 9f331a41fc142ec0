/**
 * The charts, as Vega-Lite specifications built from the summaries: plain data, so they can be
 * checked without a renderer (render-svg.ts turns them into SVG). One line per server; a panel
 * per transport where TLS ran.
 */
import type { Pin } from './options';
import type { Summary } from './summary';

export type VegaLiteSpec = Record<string, unknown>;

export interface Chart {
  file: string;
  spec: VegaLiteSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const TRANSPORT_TITLES = { plain: 'plain TCP', tls: 'TLS' };
const COLUMN_ORDER = [TRANSPORT_TITLES.plain, TRANSPORT_TITLES.tls];

interface Axis {
  field: string;
  title: string;
  log?: boolean;
}

interface LineChart {
  title: string;
  subtitle: string;
  rows: Record<string, number | string>[];
  x: Axis;
  y: Axis;
  /** Panels side by side by this field, when it has more than one value. */
  column?: string;
}

/** Servers in a fixed order, each with its own colour in every chart (Vega's tableau10). */
const SERVER_ORDER = ['c-ref', 'c-ref-format', 'select', 'poll', 'epoll', 'node'];
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#b279a2'];
const OTHER_COLOURS = ['#eeca3b', '#ff9da6', '#9d755d', '#bab0ac'];

/** The servers present, in SERVER_ORDER, with their colours. */
function colourScale(servers: readonly string[]): { domain: string[]; range: string[] } {
  const names = domain(servers, SERVER_ORDER);
  let other = 0;
  const range = names.map((name) => {
    const known = SERVER_ORDER.indexOf(name);
    return known >= 0 ? PALETTE[known] : OTHER_COLOURS[other++ % OTHER_COLOURS.length];
  });
  return { domain: names, range };
}

/** A backend's colour is the same over plain TCP and TLS: `epoll+tls` is drawn as `epoll`. */
function backendOf(server: string): string {
  return server.replace(/\+tls$/, '');
}

function domain(values: readonly string[], order: readonly string[]): string[] {
  const present = [...new Set(values)];
  const known = order.filter((name) => present.includes(name));
  return [...known, ...present.filter((name) => !order.includes(name)).sort()];
}

function axis(
  field: Axis,
  rows: readonly Record<string, number | string>[],
): Record<string, unknown> {
  const values = [...new Set(rows.map((row) => Number(row[field.field])))].sort((a, b) => a - b);
  return {
    field: field.field,
    type: 'quantitative',
    title: field.title,
    scale: field.log === true ? { type: 'log' } : { zero: true },
    // The x axis ticks at the sizes measured; the y axis in SI units (2M, 500k).
    axis: field.field === 'value' ? { format: '~s' } : { values, format: '~s' },
  };
}

function lineChart(chart: LineChart): VegaLiteSpec {
  const rows: Record<string, number | string>[] = chart.rows.map((row) => ({
    ...row,
    backend: backendOf(String(row.server)),
  }));
  const column = chart.column;
  const columns =
    column === undefined
      ? []
      : domain(
          rows.map((r) => String(r[column])),
          COLUMN_ORDER,
        );
  const encoding: Record<string, unknown> = {
    x: axis(chart.x, rows),
    y: axis(chart.y, rows),
    color: {
      field: 'backend',
      type: 'nominal',
      title: 'server',
      scale: colourScale(rows.map((r) => String(r.backend))),
    },
    detail: { field: 'server', type: 'nominal' },
    tooltip: [
      { field: 'server', type: 'nominal' },
      { field: chart.x.field, type: 'quantitative' },
      { field: chart.y.field, type: 'quantitative', format: '.3~s' },
    ],
  };
  if (columns.length > 1) {
    encoding.column = { field: column, type: 'nominal', title: null, sort: columns };
  }
  return {
    $schema: SCHEMA,
    title: { text: chart.title, subtitle: chart.subtitle },
    data: { values: rows },
    width: 320,
    height: 220,
    mark: { type: 'line', point: true },
    encoding,
    config: { font: 'sans-serif', axis: { grid: true } },
  };
}

/** The placement whose deliveries/s a chart shows: pinned apart if it ran, else the OS's. */
function throughputPin(summaries: readonly Summary[]): Pin | undefined {
  const pins = new Set(summaries.map((s) => s.pin));
  return (['split', 'none', 'same'] as const).find((pin) => pins.has(pin));
}

function fanoutRows(summaries: readonly Summary[], pin: Pin, pick: (s: Summary) => number) {
  return summaries
    .filter(
      (s) => s.experiment === 'fanout' && s.pin === pin && s.runs > 0 && Number.isFinite(pick(s)),
    )
    .map((s) => ({
      server: s.server,
      transport: TRANSPORT_TITLES[s.transport],
      clients: s.clients,
      value: pick(s),
    }));
}

/** `caption`: where and when the figures were measured, under every title. */
export function buildCharts(summaries: readonly Summary[], caption: string): Chart[] {
  const charts: Chart[] = [];
  const fanout = summaries.filter((s) => s.experiment === 'fanout');
  const pin = throughputPin(fanout);
  const clients = { field: 'clients', title: 'clients N', log: true };
  if (pin !== undefined) {
    const placement = pin === 'split' ? 'pinned apart' : 'placed by the OS';
    charts.push({
      file: 'fanout-deliveries.svg',
      spec: lineChart({
        title: `Deliveries per second vs clients (${placement}; higher is better)`,
        subtitle: caption,
        rows: fanoutRows(fanout, pin, (s) => s.deliveriesPerS),
        x: clients,
        y: { field: 'value', title: 'deliveries/s', log: true },
        column: 'transport',
      }),
    });
    charts.push({
      file: 'fanout-p99.svg',
      spec: lineChart({
        title: `p99 latency vs clients (${placement}; lower is better)`,
        subtitle: caption,
        rows: fanoutRows(fanout, pin, (s) => s.latencyUs.p99),
        x: clients,
        y: { field: 'value', title: 'p99 latency, µs', log: true },
        column: 'transport',
      }),
    });
  }
  if (fanout.some((s) => s.pin === 'same')) {
    charts.push({
      file: 'fanout-cost.svg',
      spec: lineChart({
        title: 'Server CPU per delivery vs clients (server-bound; lower is better)',
        subtitle: caption,
        rows: fanoutRows(fanout, 'same', (s) => s.serverNsPerDelivery),
        x: clients,
        y: { field: 'value', title: 'server CPU ns per delivery', log: true },
        column: 'transport',
      }),
    });
  }
  const idle = summaries.filter((s) => s.experiment === 'idle' && s.runs > 0);
  if (idle.length > 0) {
    charts.push({
      file: 'idle-cost.svg',
      spec: lineChart({
        title: 'Server CPU per event vs idle connections (lower is better)',
        subtitle: caption,
        rows: idle.map((s) => ({
          server: s.server,
          idle: s.idle,
          value: s.serverNsPerDelivery / 1000,
        })),
        x: { field: 'idle', title: 'idle connections', log: true },
        y: { field: 'value', title: 'server CPU µs per delivered event', log: true },
      }),
    });
  }
  return charts;
}
