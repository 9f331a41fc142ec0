#!/usr/bin/env node
/**
 * `selectchat-bench` (`npm run bench`): selectchat with each of its backends, plain and TLS,
 * against a minimal C select() server, driven by a C load generator that checks every delivery;
 * then the idle-connection experiment. Prints its plan and estimate, progress while it runs, the
 * tables at the end; saves results.json and SVG charts. bench/README.md explains every figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CommanderError } from 'commander';

import { addon } from '../src/native/addon';
import { buildBinaries } from './build-c';
import { buildCharts } from './charts';
import { parseSettings, type BenchSettings } from './options';
import { estimateRunS, planRuns, select } from './plan';
import { createProgress } from './progress';
import { writeCharts } from './render-svg';
import { formatTables, generatorCapacity, warnings } from './report';
import {
  caption,
  defaultOutDir,
  loadResults,
  machineInfo,
  saveResults,
  type ResultsFile,
} from './results';
import { runOnce, type RunPlan, type RunResult } from './run';
import { selectchatHelp, serverSpecs } from './servers';
import { round } from './stats';
import { summarize } from './summary';

function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${round(seconds / 60)} min`;
}

function announce(settings: BenchSettings, runs: readonly RunPlan[], estimateS: number): void {
  const servers = [...new Set(runs.map((run) => run.spec.name))];
  const fanout = runs.some((run) => run.experiment === 'fanout')
    ? `fan-out N ${settings.clients.join(',')} (S=${settings.senders}, W=${settings.window}), ` +
      `placements ${settings.pins.join(',')} (TLS: ${settings.tlsPins.join(',')}); `
    : '';
  const idle = runs.some((run) => run.experiment === 'idle')
    ? `idle ${settings.idle.join(',')} beside ${settings.idleActive} active (${settings.idlePin}); `
    : '';
  process.stderr.write(
    `selectchat-bench: ${servers.join(', ')}\n  ${fanout}${idle}${settings.reps} reps, ` +
      `${settings.warmupMs} ms warm-up + ${settings.durationMs} ms per run\n` +
      `  ${runs.length} runs, about ${minutes(estimateS)}\n`,
  );
}

async function report(results: ResultsFile, outDir: string): Promise<void> {
  const { summaries, settings } = results;
  process.stdout.write(`\n${formatTables(summaries, settings.idleActive)}\n\n`);
  const capacity = generatorCapacity(summaries);
  if (capacity !== '') process.stdout.write(`${capacity}\n`);
  for (const note of results.notes) process.stdout.write(`note: ${note}\n`);
  const charts = await writeCharts(buildCharts(summaries, caption(results.machine)), outDir);
  const shown = charts.map((file) => path.relative(process.cwd(), file));
  process.stdout.write(`charts: ${shown.join(', ')}\n`);
}

async function runAll(settings: BenchSettings): Promise<void> {
  const started = Date.now();
  // Children inherit it: each server and the generator need an fd per connection.
  const fdLimit = addon.fdRaiseLimit();
  const binaries = buildBinaries();
  const specs = serverSpecs(selectchatHelp());
  const chosen = select(settings, specs, binaries.tlsMissing, fdLimit < 0 ? 1024 : fdLimit);
  const runs = planRuns(settings, chosen);
  if (runs.length === 0)
    throw new Error('nothing to run: see --help for --servers and --experiments');
  const estimates = runs.map((run) => estimateRunS(run, settings));
  announce(
    settings,
    runs,
    estimates.reduce((a, b) => a + b, 0),
  );
  for (const note of chosen.skipped) process.stderr.write(`  note: ${note}\n`);
  if (settings.dryRun) return;

  const machine = machineInfo(binaries, fdLimit);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-bench-data-'));
  const progress = createProgress(estimates);
  const results: RunResult[] = [];
  try {
    for (const [index, run] of runs.entries()) {
      progress.begin(index, run);
      const result = await runOnce(run, settings, binaries, dataDir);
      results.push(result);
      progress.done(index, run, result);
    }
  } finally {
    progress.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const summaries = summarize(results);
  const used = new Set(runs.map((run) => run.spec));
  const file: ResultsFile = {
    settings,
    machine,
    servers: [...used].map((spec) => ({ name: spec.name, command: spec.describe })),
    notes: [...chosen.skipped, ...warnings(summaries, results)],
    elapsedS: round((Date.now() - started) / 1000),
    summaries,
    runs: results,
  };
  const outDir = settings.out ?? defaultOutDir();
  const saved = saveResults(outDir, file);
  await report(file, outDir);
  process.stdout.write(`${file.elapsedS} s; saved ${path.relative(process.cwd(), saved)}\n`);
}

async function main(): Promise<void> {
  let settings: BenchSettings;
  try {
    settings = parseSettings(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    throw error;
  }
  if (settings.chartsFrom !== undefined) {
    const results = loadResults(settings.chartsFrom);
    await report(results, settings.out ?? path.dirname(settings.chartsFrom));
    return;
  }
  await runAll(settings);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `selectchat-bench: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
