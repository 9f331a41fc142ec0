/**
 * The bench's real pieces, tiny and fast: the C generator against the C reference (fan-out and
 * idle connections) and against selectchat over TLS, every delivery checked; and the CLI turning
 * a results file into tables and SVG charts. No timing is asserted: figures only have to exist.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { buildBinaries, type Binaries } from '../../bench/build-c';
import { parseSettings } from '../../bench/options';
import type { ResultsFile } from '../../bench/results';
import { runOnce, type RunPlan } from '../../bench/run';
import { REFERENCE, serverSpecs, selectchatHelp, type ServerSpec } from '../../bench/servers';
import { summarize } from '../../bench/summary';
import { distModule } from '../helpers/process';
import { teardown } from '../helpers/teardown';
import { fixedResults } from './fixtures';

const run = promisify(execFile);
const settings = parseSettings(['--warmup', '100', '--duration', '300']);
let binaries: Binaries;
let specs: ServerSpec[];

beforeAll(() => {
  binaries = buildBinaries();
  specs = serverSpecs(selectchatHelp());
}, 60000);

function spec(name: string): ServerSpec {
  const found = specs.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no server ${name}`);
  return found;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-bench-test-'));
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function measure(plan: Omit<RunPlan, 'rep' | 'pin'>) {
  const result = await runOnce({ ...plan, rep: 0, pin: 'none' }, settings, binaries, tempDir());
  expect(result.error).toBeUndefined();
  const m = result.metrics;
  if (m === undefined) throw new Error('no metrics');
  expect([m.lost, m.duplicated, m.outOfOrder, m.badLines]).toEqual([0, 0, 0, 0]);
  expect(m.deliveriesPerS).toBeGreaterThan(0);
  expect(m.latencyUs.p50).toBeGreaterThan(0);
  expect(m.latencyUs.max).toBeGreaterThanOrEqual(m.latencyUs.p99);
  expect(m.serverPeakRssKb).toBeGreaterThan(0);
  return m;
}

test('two clients fan out through c-ref: every message reaches both, twice as many deliveries', async () => {
  const m = await measure({ experiment: 'fanout', spec: spec(REFERENCE), clients: 2, idle: 0 });
  // Not exactly 2×: a message in flight at the window's edge counts some deliveries, not its own.
  expect(m.deliveriesPerS / m.messagesPerS).toBeCloseTo(2, 1);
});

test('idle connections get nothing while two clients whisper to themselves through c-ref', async () => {
  const m = await measure({ experiment: 'idle', spec: spec(REFERENCE), clients: 2, idle: 3 });
  expect(m.deliveriesPerS / m.messagesPerS).toBeCloseTo(1, 1); // one delivery per message
});

test('the generator speaks TLS to selectchat, or says how to get it', async () => {
  if (!binaries.tls) {
    expect(binaries.tlsMissing).toMatch(/install libssl-dev/);
    return;
  }
  await measure({ experiment: 'fanout', spec: spec('select+tls'), clients: 2, idle: 0 });
}, 30000);

test('--charts-from prints the tables and draws every chart as SVG', async () => {
  const dir = tempDir();
  const results: Partial<ResultsFile> = {
    settings,
    machine: {
      ...{ cpuModel: 'Test CPU', cores: 2, node: 'v20', kernel: '6', compiler: 'cc' },
      ...{ openssl: '3', loadgenTls: true, fdLimit: 1024, loadAverage: [0, 0, 0] },
      ...{ date: '2026-12-01T00:00:00.000Z', gitCommit: 'abc', gitDirty: '' },
    },
    notes: ['a note'],
    summaries: summarize(fixedResults()),
  };
  const file = path.join(dir, 'results.json');
  fs.writeFileSync(file, JSON.stringify(results));
  const { stdout } = await run(process.execPath, [distModule('bench/cli'), '--charts-from', file]);
  expect(stdout).toContain('fan-out, plain TCP, pinned apart');
  expect(stdout).toContain('note: a note');
  for (const chart of ['fanout-deliveries', 'fanout-p99', 'fanout-cost', 'idle-cost']) {
    const svg = fs.readFileSync(path.join(dir, `${chart}.svg`), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('2026-12-01, 2 × Test CPU');
  }
}, 30000);
