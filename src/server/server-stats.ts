/**
 * The server's figures in words: the one-line summary logged at shutdown, and the loop's counters
 * as `/stats` lines beside the server's own (src/server/counters.ts).
 */
import type { StatsLine } from '../chat/commands/stats';
import type { LoopStats } from '../loop/stats';
import type { ServerCounters } from './counters';

/** The loop's counters as `/stats` lines; none with `--backend node`, where libuv waits. */
export function loopStatsLines(loop: LoopStats | undefined): StatsLine[] {
  if (loop === undefined) return [];
  return [
    ['loop-waits', loop.iterations],
    ['loop-wakeups', loop.wakeups],
    ['loop-watched', loop.watched],
    ['bytes-in', loop.bytesIn],
    ['bytes-out', loop.bytesOut],
  ];
}

/** One line for the log, e.g. at shutdown. */
export function describeStats(
  counters: ServerCounters,
  connected: number,
  loop: LoopStats | undefined,
): string {
  const waits =
    loop === undefined
      ? "node: libuv's own loop"
      : `${loop.backend}: ${loop.iterations} waits, ${loop.wakeups} wake-ups, ` +
        `${loop.bytesIn} bytes in, ${loop.bytesOut} bytes out`;
  return (
    `${counters.joined} clients joined (${connected} connected), ` +
    `${counters.lines} lines received, ${counters.drops.sendq} dropped for sendq, ` +
    `${counters.refused} refused; ${waits}`
  );
}
