/**
 * `npm run bench:loop`: micro-benchmarks of the readiness loop itself, on
 * every native backend side by side (select, poll, epoll).
 *   1. wake-up latency: a byte written to one of N watched sockets → its
 *      handler runs (loop-latency.ts);
 *   2. the cost of one zero-timeout wait as the watched set grows
 *      (loop-wait-cost.ts).
 * Prints tables and saves JSON to bench/results/. See bench/README.md.
 *
 * Usage: node dist/bench/loop.js [--quick] [--samples=<n>] [--backends=select,poll,epoll]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { addon } from '../src/native/addon';
import { withCpuLoad } from './cpu-load';
import { openFixture, type Fixture } from './loop-fixture';
import { measureLatency, type LatencyOptions } from './loop-latency';
import {
  costTable,
  latencyTable,
  sideBySideTable,
  type MeasuredLatencyRow,
  type MeasuredWaitCostRow,
} from './loop-report';
import { measureWaitCost, type WaitCostOptions } from './loop-wait-cost';
import { round } from './stats';

interface Settings {
  quick: boolean;
  backends: string[];
  latencySockets: number[];
  latency: LatencyOptions;
  costSockets: number[];
  cost: WaitCostOptions;
}

const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'bench', 'results');
/** fds the process needs besides the measured ones (Node's own, the listener, …). */
const FD_HEADROOM = 64;
const HIGH_TOP = 8000;

function usage(): never {
  process.stderr.write(
    'usage: node dist/bench/loop.js [--quick] [--samples=<n>] ' +
      `[--backends=${addon.backends.join(',')}]\n`,
  );
  process.exit(2);
}

function settingsFrom(args: readonly string[], fdLimit: number): Settings {
  let quick = false;
  let samples: number | undefined;
  let backends = [...addon.backends];
  for (const arg of args) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--samples=')) samples = Number(arg.slice('--samples='.length));
    else if (arg.startsWith('--backends=')) backends = arg.slice('--backends='.length).split(',');
    else usage();
  }
  if (samples !== undefined && !(Number.isInteger(samples) && samples > 0)) usage();
  if (backends.length === 0 || backends.some((b) => !addon.backends.includes(b))) usage();
  // The fixture holds both ends of every connection until the writer has taken its own.
  const fits = (n: number): boolean => 2 * n + FD_HEADROOM <= fdLimit;
  return {
    quick,
    backends,
    latencySockets: [10, 100, 1000, 5000].filter(fits),
    latency: { samples: samples ?? (quick ? 200 : 2000), warmup: quick ? 20 : 50, gapMs: 1 },
    costSockets: [0, 10, 100, 1000, 5000].filter(fits),
    cost: {
      reps: quick ? 3 : 5,
      repMs: quick ? 10 : 40,
      top: Math.min(HIGH_TOP, fdLimit - FD_HEADROOM),
    },
  };
}

function openFdCount(): number | null {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

function machineInfo(fdLimit: number): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    backends: addon.backends,
    fdLimit,
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAverageAtStart: os.loadavg().map(round),
  };
}

async function withFixture<T>(sockets: number, body: (fixture: Fixture) => Promise<T>): Promise<T> {
  const fixture = await openFixture(sockets);
  try {
    return await body(fixture);
  } finally {
    await fixture.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const fdLimit = addon.fdRaiseLimit();
  if (fdLimit < 0) throw new Error(`could not read RLIMIT_NOFILE (${fdLimit})`);
  const settings = settingsFrom(process.argv.slice(2), fdLimit);
  const { backends } = settings;
  const machine = machineInfo(fdLimit);
  process.stdout.write(
    `selectchat bench:loop${settings.quick ? ' --quick' : ''}: ${backends.join(', ')} ` +
      `side by side, Node ${process.version}, ${String(machine.cpuModel)} × ` +
      `${String(machine.cores)}, fd limit ${fdLimit}\n`,
  );

  // Warm-up (JIT, first-use costs in the kernel and libuv); nothing is kept.
  await withFixture(10, async (fixture) => {
    await measureLatency(fixture, { ...settings.latency, samples: 0, warmup: 100 }, backends);
    measureWaitCost(fixture.fds, { ...settings.cost, reps: 2, repMs: 20 }, backends);
  });
  // The first spawn leaves Node/libuv one fd of their own (/dev/null): count from here.
  const fdsAfterWarmup = openFdCount();

  const latency: MeasuredLatencyRow[] = [];
  const waitCost: MeasuredWaitCostRow[] = [];
  const measureCost = async (fds: readonly number[]): Promise<void> => {
    const [rows, load] = await withCpuLoad(async () =>
      measureWaitCost(fds, settings.cost, backends),
    );
    waitCost.push(...rows.map((row) => ({ ...row, load })));
  };
  const allSockets = new Set([...settings.latencySockets, ...settings.costSockets]);
  for (const sockets of [...allSockets].sort((a, b) => a - b)) {
    process.stdout.write(`  ${sockets} sockets…\n`);
    if (sockets === 0) {
      await measureCost([]);
      continue;
    }
    await withFixture(sockets, async (fixture) => {
      if (settings.latencySockets.includes(sockets)) {
        const [rows, load] = await withCpuLoad(() =>
          measureLatency(fixture, settings.latency, backends),
        );
        latency.push(...rows.map((row) => ({ ...row, load })));
      }
      if (settings.costSockets.includes(sockets)) await measureCost(fixture.fds);
    });
  }
  const order = (backend: string): number => backends.indexOf(backend);
  latency.sort((a, b) => a.sockets - b.sockets || order(a.backend) - order(b.backend));
  waitCost.sort(
    (a, b) =>
      a.watched - b.watched ||
      a.placement.localeCompare(b.placement) ||
      order(a.backend) - order(b.backend),
  );

  const seconds = (Date.now() - started) / 1000;
  const fdsAtEnd = openFdCount();
  process.stdout.write(
    `\nWake-up latency, µs: another process stamps the time and writes to a random socket → ` +
      `handler entry.\nparked = the production wait inside Node's loop; bare = runOnce(), a ` +
      `control; in wait = writes that found\nus blocked in the backend's wait; same CPU = ` +
      `handler ran on the writer's CPU; busy % = whole machine, both modes\n` +
      `${latencyTable(latency)}\n\n` +
      `Cost of one zero-timeout wait, loop.runOnce(0) over N idle sockets ` +
      `(median of ${settings.cost.reps} × ${settings.cost.repMs} ms)\n` +
      `${costTable(waitCost)}\n\n` +
      `Side by side: µs per zero-timeout wait (low placement); parked wake-up p50 and p99, µs\n` +
      `${sideBySideTable(backends, latency, waitCost)}\n\n` +
      `${seconds.toFixed(1)} s; open fds after the warm-up ${fdsAfterWarmup}, at the end ${fdsAtEnd}\n`,
  );

  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const startedAt = new Date(started).toISOString();
  const file = path.join(RESULTS_DIR, `loop-${startedAt.replace(/:/g, '-')}.json`);
  const result = {
    benchmark: 'loop',
    startedAt,
    seconds,
    machine,
    settings,
    openFds: { afterWarmup: fdsAfterWarmup, atEnd: fdsAtEnd },
    latency,
    waitCost,
  };
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`saved ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:loop failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1); // a writer process or a parked loop may still be alive
});
