/** Hand-made runs and summaries with known figures, for the bench's deterministic pieces. */
import type { RunMetrics } from '../../bench/loadgen-json';
import type { Experiment, Pin, Transport } from '../../bench/options';
import type { RunResult } from '../../bench/run';

/** A run of `server` whose deliveries/s, p99 and CPU per delivery are given. */
export function run(
  server: string,
  rep: number,
  figures: { deliveriesPerS: number; p99: number; nsPerDelivery: number },
  where: { experiment?: Experiment; pin?: Pin; clients?: number; idle?: number } = {},
): RunResult {
  const transport: Transport = server.endsWith('+tls') ? 'tls' : 'plain';
  const metrics: RunMetrics = {
    connectS: 0.01,
    windowS: 1,
    messagesPerS: figures.deliveriesPerS / (where.clients ?? 10),
    deliveriesPerS: figures.deliveriesPerS,
    latencyUs: {
      p50: figures.p99 / 2,
      p90: figures.p99 / 1.5,
      p99: figures.p99,
      max: figures.p99 * 3,
      mean: figures.p99 / 2,
    },
    latencyHdr: '',
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    badLines: 0,
    otherLines: 0,
    serverCpuS: (figures.nsPerDelivery * figures.deliveriesPerS) / 1e9,
    serverCpuPct: (100 * figures.nsPerDelivery * figures.deliveriesPerS) / 1e9,
    serverNsPerDelivery: figures.nsPerDelivery,
    serverPeakRssKb: 2048,
    loadgenCpuS: 0.5,
    loadgenCpuPct: 50,
    loadgenDeliveriesPerCpuS: figures.deliveriesPerS / 0.5,
    loadgenSyscallsPerDelivery: 0.05,
    othersCpuPct: 3,
    cpuBusyPct: [60, 90],
    stealPct: 0,
  };
  return {
    experiment: where.experiment ?? 'fanout',
    server,
    transport,
    clients: where.clients ?? 10,
    idle: where.idle ?? 0,
    pin: where.pin ?? 'split',
    rep,
    wallS: 2.5,
    metrics,
  };
}

/**
 * Three repetitions at N = 10 and 100 (split) and N = 10 (same), plus an idle experiment: c-ref
 * at 4 M deliveries/s; select at half of it in rep 0 and 2, a quarter in rep 1 (so the median
 * ratio is 0.5); select+tls at half of select's.
 */
export function fixedResults(): RunResult[] {
  const results: RunResult[] = [];
  const places = [
    { pin: 'split' as const, clients: 10 },
    { pin: 'split' as const, clients: 100 },
    { pin: 'same' as const, clients: 10 },
  ];
  for (const where of places) {
    results.push(run('c-ref', -1, { deliveriesPerS: 1e6, p99: 1000, nsPerDelivery: 500 }, where));
    for (let rep = 0; rep < 3; rep++) {
      const share = rep === 1 ? 0.25 : 0.5;
      results.push(run('c-ref', rep, { deliveriesPerS: 4e6, p99: 100, nsPerDelivery: 200 }, where));
      results.push(
        run(
          'select',
          rep,
          { deliveriesPerS: 4e6 * share, p99: 200, nsPerDelivery: 200 / share },
          where,
        ),
      );
      if (where.pin === 'split') {
        results.push(
          run(
            'select+tls',
            rep,
            { deliveriesPerS: 2e6 * share, p99: 600, nsPerDelivery: 800 / share },
            where,
          ),
        );
      }
    }
  }
  for (const idle of [10, 1000]) {
    for (let rep = 0; rep < 3; rep++) {
      const where = { experiment: 'idle' as const, clients: 5, idle };
      results.push(
        run(
          'c-ref',
          rep,
          { deliveriesPerS: 50000, p99: 50, nsPerDelivery: 5000 + idle * 40 },
          where,
        ),
      );
      results.push(
        run(
          'select',
          rep,
          { deliveriesPerS: 20000, p99: 90, nsPerDelivery: 10000 + idle * 80 },
          where,
        ),
      );
    }
  }
  return results;
}
