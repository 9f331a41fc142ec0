/**
 * What /proc says about a process: its resident memory, and the CPU time it has used, in clock
 * ticks (utime + stime, usually 100 a second), for loose bounds that only a leak or a busy loop
 * would break. Never a timing of performance: that is the benchmark's job.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** The resident memory of a process, in bytes. */
export function residentBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) * 1024;
}

/** CPU time used by a process so far (user + system), in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime (14), stime (15)
}

/** Clock ticks per second (`getconf CLK_TCK`). */
export const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/**
 * Runs `during` and returns the share of one CPU the process used meanwhile (0..1, more with
 * threads), from /proc: a busy loop shows as ~1.
 */
export async function cpuShare(pid: number, during: () => Promise<unknown>): Promise<number> {
  const ticks = cpuTicks(pid);
  const started = process.hrtime.bigint();
  await during();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (cpuTicks(pid) - ticks) / TICKS_PER_SECOND / seconds;
}

/** A pause of `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
