/**
 * The results file: settings, the machine, each server's command line, every run's raw figures and
 * the summaries, so a figure can be traced to the code and the conditions that produced it, and
 * the tables and charts redrawn later (`--charts-from`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Binaries } from './build-c';
import type { BenchSettings } from './options';
import { RESULTS_DIR } from './paths';
import type { RunResult } from './run';
import { round } from './stats';
import type { Summary } from './summary';

export interface Machine {
  cpuModel: string;
  cores: number;
  node: string;
  kernel: string;
  compiler: string;
  openssl: string | undefined;
  loadgenTls: boolean;
  fdLimit: number;
  loadAverage: number[];
  date: string;
  gitCommit: string | undefined;
  /** Others edit src/ while benchmarks run: what was measured is HEAD plus these. */
  gitDirty: string | undefined;
}

export interface ResultsFile {
  settings: BenchSettings;
  machine: Machine;
  servers: { name: string; command: string }[];
  notes: string[];
  elapsedS: number;
  summaries: Summary[];
  runs: RunResult[];
}

function quiet(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .slice(0, 4000);
  } catch {
    return undefined;
  }
}

export function machineInfo(binaries: Binaries, fdLimit: number): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    kernel: os.release(),
    compiler: binaries.compiler,
    openssl: process.versions.openssl,
    loadgenTls: binaries.tls,
    fdLimit,
    loadAverage: os.loadavg().map(round),
    date: new Date().toISOString(),
    gitCommit: quiet('git', ['rev-parse', 'HEAD']),
    gitDirty: quiet('git', ['status', '--porcelain', '--', 'src', 'native', 'bench']),
  };
}

/** A line saying where and when: under every chart's title. */
export function caption(machine: Machine): string {
  const commit = machine.gitCommit === undefined ? '' : `, ${machine.gitCommit.slice(0, 9)}`;
  return (
    `${machine.date.slice(0, 10)}, ${machine.cores} × ${machine.cpuModel.trim()}, ` +
    `Node ${machine.node}${commit}`
  );
}

export function defaultOutDir(): string {
  return path.join(RESULTS_DIR, new Date().toISOString().replace(/:/g, '-').replace(/\..*/, ''));
}

export function saveResults(dir: string, results: ResultsFile): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'results.json');
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

export function loadResults(file: string): ResultsFile {
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const results = parsed as Partial<ResultsFile>;
  if (!Array.isArray(results.summaries) || results.machine === undefined) {
    throw new Error(`${file}: not a selectchat-bench results.json (no summaries or machine)`);
  }
  return parsed as ResultsFile;
}
