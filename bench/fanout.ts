/**
 * `npm run bench`: the fan-out benchmark. N clients, S senders, a closed loop with W messages in
 * flight, every message to every client; selectchat against a minimal C select() server
 * (bench/c/ref-server.c) and the same C server emitting selectchat's line format, driven by a C
 * epoll load generator (bench/c/loadgen.c). A fresh server per run, an uncounted warm-up run
 * first, servers alternated within each repetition, medians of the repetitions, ratios to the C
 * reference of the same repetition. Prints tables and saves JSON to bench/results/. See
 * bench/README.md.
 *
 * Usage: node dist/bench/fanout.js [--quick] [--clients 10,100,1000] [--pin none,same,split]
 *        [--servers selectchat,c-ref,c-ref-format] [--reps 3] [--duration ms] [--warmup ms] …
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { buildBinaries, type Binaries } from './fanout-build';
import { parseSettings, placement, type FanoutSettings, type Pin } from './fanout-options';
import { formatTables, REFERENCE, summarize, type Summary } from './fanout-report';
import { runOnce, type RunResult } from './fanout-run';
import { serverSpecs, type ServerSpec } from './fanout-server';
import { round } from './stats';

const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'bench', 'results');
/** Above this, other processes took a CPU's worth that the runs needed: say so. */
const NOISY_OTHERS_PCT = 25;
/** Above this, in a placement where the generator has its own CPU, it may limit the run. */
const GENERATOR_BUSY_PCT = 90;

interface Plan {
  pin: Pin;
  clients: number;
  rep: number; // -1: warm-up
  spec: ServerSpec;
}

/**
 * Warm-up first (each server once, uncounted: page cache, CPU clocks, the kernel's socket
 * caches), then per placement and N, repetitions of every server in turn: A, B, C, A, B, C, …
 */
function plan(settings: FanoutSettings, specs: readonly ServerSpec[]): Plan[] {
  const chosen = specs.filter((spec) => settings.servers.includes(spec.name));
  const runs: Plan[] = chosen.map((spec) => ({
    pin: settings.pins[0],
    clients: settings.clients[0],
    rep: -1,
    spec,
  }));
  for (const pin of settings.pins) {
    for (const clients of settings.clients) {
      for (let rep = 0; rep < settings.reps; rep++) {
        for (const spec of chosen) runs.push({ pin, clients, rep, spec });
      }
    }
  }
  return runs;
}

function progress(index: number, total: number, item: Plan, result: RunResult): void {
  const what = `[${index + 1}/${total}] ${item.pin} N=${item.clients} ${
    item.rep < 0 ? 'warm-up' : `rep ${item.rep + 1}`
  } ${item.spec.name}`;
  const m = result.metrics;
  const detail =
    m === undefined
      ? `FAILED: ${result.error ?? ''}`
      : `${round(m.deliveriesPerS / 1e6)} M deliv/s, p99 ${round(m.latencyUs.p99)} µs, ` +
        `server ${round(m.serverCpuPct)}% (${round(m.serverNsPerDelivery)} ns/deliv), ` +
        `gen ${round(m.loadgenCpuPct)}%, others ${round(m.othersCpuPct)}%` +
        (m.lost + m.duplicated + m.outOfOrder + m.badLines > 0
          ? `, LOST ${m.lost} DUP ${m.duplicated} OOO ${m.outOfOrder} BAD ${m.badLines}`
          : '');
  process.stderr.write(`${what}: ${detail} (${round(result.wallS)} s)\n`);
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .slice(0, 4000);
  } catch {
    return undefined;
  }
}

function machineInfo(binaries: Binaries): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    kernel: os.release(),
    compiler: binaries.compiler,
    loadAverage: os.loadavg().map(round),
    gitCommit: git(['rev-parse', 'HEAD']),
    // Others edit src/ while benchmarks run: what was measured is HEAD plus these.
    gitDirty: git(['status', '--porcelain', '--', 'src', 'native']),
  };
}

/** What a reader should not miss: errors, a busy machine, a generator near its limit. */
function warnings(summaries: readonly Summary[], results: readonly RunResult[]): string[] {
  const notes: string[] = [];
  for (const s of summaries) {
    const what = `${s.server} at N=${s.clients} (${s.pin})`;
    if (s.lost + s.duplicated + s.outOfOrder + s.badLines > 0) {
      notes.push(
        `${what}: lost ${s.lost}, duplicated ${s.duplicated}, out of order ` +
          `${s.outOfOrder}, bad lines ${s.badLines}: the server is wrong`,
      );
    }
    if (s.pin !== 'same' && s.loadgenCpuPct > GENERATOR_BUSY_PCT) {
      const effect =
        s.server === REFERENCE
          ? 'c-ref may be generator-bound here, so ratios to it flatter (upper bounds)'
          : 'this figure may be generator-bound (a lower bound)';
      notes.push(`${what}: the generator used ${round(s.loadgenCpuPct)}% of a CPU: ${effect}`);
    }
  }
  const noisy = summaries.filter((s) => s.othersCpuPct > NOISY_OTHERS_PCT);
  if (noisy.length > 0) {
    const worst = Math.max(...noisy.map((s) => s.othersCpuPct));
    notes.push(
      `other processes used more than ${NOISY_OTHERS_PCT}% of a CPU (up to ${round(worst)}%) ` +
        `in ${noisy.length} of ${summaries.length} rows (others%): compare rows of similar ` +
        'others%, or rerun on a quieter machine',
    );
  }
  for (const r of results.filter((run) => run.error !== undefined)) {
    notes.push(`${r.server} at N=${r.clients} (${r.pin}) failed: ${r.error ?? ''}`);
  }
  return notes;
}

function generatorHeadroom(summaries: readonly Summary[]): string {
  const ref = summaries.filter((s) => s.server === REFERENCE && s.pin !== 'same');
  if (ref.length === 0) return '';
  const parts = ref.map(
    (s) =>
      `N=${s.clients} (${s.pin}): ${round(s.loadgenCpuPct)}% of a CPU at ` +
      `${round(s.deliveriesPerS / 1e6)} M deliv/s, capacity ~` +
      `${round(s.loadgenDeliveriesPerCpuS / 1e6)} M deliv/s per CPU-second`,
  );
  return `generator driving c-ref: ${parts.join('; ')}`;
}

async function main(): Promise<void> {
  const specs = serverSpecs();
  const settings = parseSettings(
    process.argv,
    specs.map((spec) => spec.name),
  );
  const binaries = buildBinaries();
  const started = Date.now();
  const machine = machineInfo(binaries);
  const runs = plan(settings, specs);
  process.stderr.write(
    `fan-out: N ${settings.clients.join(',')}, placements ${settings.pins.join(',')}, ` +
      `${settings.reps} reps, S=${settings.senders} W=${settings.window} ` +
      `${settings.size}-byte texts, ${settings.warmupMs} ms warm-up + ` +
      `${settings.durationMs} ms per run; ${runs.length} runs\n`,
  );
  const results: RunResult[] = [];
  for (const [index, item] of runs.entries()) {
    const result = await runOnce(item.spec, binaries, settings, item.clients, item.pin, item.rep);
    results.push(result);
    progress(index, runs.length, item, result);
  }
  const summaries = summarize(results);
  const elapsedS = round((Date.now() - started) / 1000);
  const notes = warnings(summaries, results);
  const headroom = generatorHeadroom(summaries);
  process.stdout.write(`\n${formatTables(summaries)}\n\n`);
  if (headroom !== '') process.stdout.write(`${headroom}\n`);
  for (const note of notes) process.stdout.write(`note: ${note}\n`);

  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `fanout-${new Date().toISOString().replace(/:/g, '-')}.json`);
  const servers = specs.filter((s) => settings.servers.includes(s.name));
  const placements = Object.fromEntries(settings.pins.map((pin) => [pin, placement(pin)]));
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        settings,
        machine,
        servers: servers.map((s) => ({ name: s.name, command: s.describe })),
        placements,
        elapsedS,
        summaries,
        notes,
        runs: results,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`${elapsedS} s; saved ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
