/** The bench's arithmetic and its chart specifications, from runs with known figures. */
import { buildCharts } from '../../bench/charts';
import { encode, fromBuckets, merge, percentilesUs } from '../../bench/latency';
import { formatTables, generatorCapacity, warnings } from '../../bench/report';
import { pairedRatio, summarize, type Summary } from '../../bench/summary';
import { fixedResults, run } from './fixtures';

function find(summaries: Summary[], server: string, pin: string, clients: number): Summary {
  const found = summaries.find(
    (s) =>
      s.experiment === 'fanout' && s.server === server && s.pin === pin && s.clients === clients,
  );
  if (found === undefined) throw new Error(`no summary for ${server} ${pin} ${clients}`);
  return found;
}

describe('summaries', () => {
  const summaries = summarize(fixedResults());

  test('leave warm-ups out and take medians of the repetitions', () => {
    const ref = find(summaries, 'c-ref', 'split', 10);
    expect(ref.runs).toBe(3);
    expect(ref.deliveriesPerS).toBe(4e6); // the warm-up's 1e6 is not among them
    expect(find(summaries, 'select', 'split', 10).deliveriesPerS).toBe(2e6);
  });

  test('compare a plain server with c-ref and a TLS one with its plain twin, per repetition', () => {
    const select = find(summaries, 'select', 'split', 100);
    expect(select.vs).toEqual({ against: 'c-ref', deliveries: 0.5, p99: 2, efficiency: 0.5 });
    const tls = find(summaries, 'select+tls', 'split', 100);
    expect(tls.vs).toEqual({ against: 'select', deliveries: 0.5, p99: 3, efficiency: 0.25 });
    expect(find(summaries, 'c-ref', 'split', 100).vs).toBeUndefined();
  });

  test('pair by repetition, not by the medians', () => {
    const runs = [0, 1, 2].map((rep) =>
      run('select', rep, { deliveriesPerS: [1, 4, 2][rep], p99: 1, nsPerDelivery: 1 }),
    );
    const refs = [0, 1, 2].map((rep) =>
      run('c-ref', rep, { deliveriesPerS: [2, 4, 8][rep], p99: 1, nsPerDelivery: 1 }),
    );
    // Ratios 0.5, 1 and 0.25: median 0.5. Without rep 1's reference: 0.5 and 0.25, whose
    // nearest-rank median is 0.25.
    expect(pairedRatio(runs, refs, (m) => m.deliveriesPerS)).toBe(0.5);
    expect(pairedRatio(runs, [refs[0], refs[2]], (m) => m.deliveriesPerS)).toBe(0.25);
    expect(pairedRatio(runs, [], (m) => m.deliveriesPerS)).toBeNaN();
  });

  test('count every lost, duplicated and reordered delivery, and say so', () => {
    const results = fixedResults();
    const bad = results.find((r) => r.server === 'select' && r.rep === 2 && r.pin === 'same');
    if (bad?.metrics === undefined) throw new Error('fixture changed');
    bad.metrics.lost = 3;
    bad.metrics.outOfOrder = 1;
    const summary = find(summarize(results), 'select', 'same', 10);
    expect([summary.lost, summary.duplicated, summary.outOfOrder]).toEqual([3, 0, 1]);
    const notes = warnings(summarize(results), results);
    expect(
      notes.some((note) => note.includes('lost 3') && note.includes('the server is wrong')),
    ).toBe(true);
  });

  test('print a table per placement and transport, and the idle table', () => {
    const text = formatTables(summaries, 5);
    expect(text).toContain('fan-out, plain TCP, pinned apart');
    expect(text).toContain(
      'fan-out, TLS (ratios to the same backend over plain TCP), pinned apart',
    );
    expect(text).toContain('fan-out, plain TCP, server-bound');
    expect(text).toContain('idle connections: 5 active clients');
    expect(text).toMatch(/^100 +select +2M +0\.50 /m);
    expect(generatorCapacity(summaries)).toContain('capacity 8 M deliv/s per CPU-second');
  });
});

describe('charts', () => {
  const charts = buildCharts(summarize(fixedResults()), 'a test machine');

  test('one per figure the issue asks for, from the right placement', () => {
    expect(charts.map((c) => c.file)).toEqual([
      'fanout-deliveries.svg',
      'fanout-p99.svg',
      'fanout-cost.svg',
      'idle-cost.svg',
    ]);
    const deliveries = charts[0].spec as { data: { values: Record<string, unknown>[] } };
    expect(deliveries.data.values).toContainEqual({
      server: 'select+tls',
      backend: 'select',
      transport: 'TLS',
      clients: 100,
      value: 1e6,
    });
    expect(deliveries.data.values).toHaveLength(6); // split only: 3 servers × 2 N
  });

  test('a panel per transport, plain first, and one colour per backend in a fixed order', () => {
    const spec = charts[0].spec as {
      encoding: Record<string, { sort?: string[]; scale?: unknown }>;
    };
    expect(spec.encoding.column.sort).toEqual(['plain TCP', 'TLS']);
    expect(spec.encoding.color.scale).toEqual({
      domain: ['c-ref', 'select'],
      range: ['#4c78a8', '#e45756'], // select's colour whether c-ref-format ran or not
    });
    const idle = charts[3].spec as {
      encoding: Record<string, unknown>;
      data: { values: unknown[] };
    };
    expect(idle.encoding.column).toBeUndefined();
    expect(idle.data.values).toContainEqual({
      server: 'select',
      backend: 'select',
      idle: 1000,
      value: 90,
    });
  });
});

describe('latency histograms', () => {
  test('percentiles from the generator buckets, in µs, within HdrHistogram precision', () => {
    const buckets: [number, number][] = [
      [10000, 50],
      [20000, 40],
      [90000, 9],
      [5000000, 1],
    ];
    const p = percentilesUs(fromBuckets(buckets));
    expect(p.count).toBe(100);
    expect(p.p50).toBeCloseTo(10, 1);
    expect(p.p90).toBeCloseTo(20, 1);
    expect(p.p99).toBeCloseTo(90, 0);
    expect(p.max).toBeCloseTo(5000, -1);
  });

  test('survive encoding and merge repetitions', () => {
    const a = encode(fromBuckets([[1000, 10]]));
    const b = encode(fromBuckets([[3000, 30]]));
    const merged = merge([a, b]);
    expect(merged.totalCount).toBe(40);
    expect(percentilesUs(merged).p50).toBeCloseTo(3, 1);
  });

  test('refuse buckets that are not counts', () => {
    expect(() => fromBuckets([[1000, -1]])).toThrow(/non-negative integers/);
  });
});
