/**
 * How busy the machine was while something ran, from /proc/stat: latency
 * percentiles on a shared machine mean little without it.
 */
import fs from 'node:fs';
import os from 'node:os';

export interface CpuLoad {
  /** Busy time of all CPUs, % of all CPUs' time (every process, ours included). */
  machineBusyPct: number;
  /** Time the hypervisor gave to others, % of all CPUs' time. */
  stealPct: number;
  /** This process alone (all its threads), % of all CPUs' time. */
  thisProcessPct: number;
}

interface Snapshot {
  ticks: number[] | undefined; // user nice system idle iowait irq softirq steal
  usage: NodeJS.CpuUsage;
  at: bigint;
}

function readTicks(): number[] | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'latin1').split('\n', 1)[0];
    if (!line.startsWith('cpu ')) return undefined;
    return line.trim().split(/\s+/).slice(1, 9).map(Number);
  } catch {
    return undefined;
  }
}

function snapshot(): Snapshot {
  return { ticks: readTicks(), usage: process.cpuUsage(), at: process.hrtime.bigint() };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Run `body` and report the machine's load meanwhile. */
export async function withCpuLoad<T>(body: () => Promise<T>): Promise<[T, CpuLoad | undefined]> {
  const before = snapshot();
  const result = await body();
  const after = snapshot();
  if (before.ticks === undefined || after.ticks === undefined) return [result, undefined];
  const delta = after.ticks.map((value, i) => value - (before.ticks?.[i] ?? 0));
  const total = delta.reduce((sum, value) => sum + value, 0);
  if (total <= 0) return [result, undefined];
  const idle = delta[3] + delta[4];
  const wallUs = Number(after.at - before.at) / 1000;
  const ownUs = after.usage.user - before.usage.user + (after.usage.system - before.usage.system);
  return [
    result,
    {
      machineBusyPct: round1((100 * (total - idle)) / total),
      stealPct: round1((100 * delta[7]) / total),
      thisProcessPct: round1((100 * ownUs) / (wallUs * os.cpus().length)),
    },
  ];
}
