/**
 * The server's own counters, beside the loop's (src/loop/stats.ts): one object the connections
 * and the server add to (plain increments on the hot path), and the snapshot `ChatServer.stats()`
 * returns for the shutdown summary and, later, an admin's `/stats`.
 */
import type { LoopStats } from '../loop/stats';

export class ServerCounters {
  /** Lines clients sent that reached the room (commands and chat alike). */
  lines = 0;
  /** Connections that joined since start. */
  joined = 0;
  /** Clients dropped for not reading their output (sendq exceeded). */
  sendqDrops = 0;
  /** Connections refused (server full). */
  refused = 0;
}

export interface ServerStats {
  uptimeS: number;
  clients: { connected: number; joined: number };
  /** Lines received from clients and handed to the room. */
  messages: number;
  drops: { sendq: number; refused: number };
  /** Our readiness loop's; none with `--backend node`, where libuv waits. */
  loop: LoopStats | undefined;
}

/** One line for the log, e.g. at shutdown. */
export function describeStats(stats: ServerStats): string {
  const { loop } = stats;
  const waits =
    loop === undefined
      ? "node: libuv's own loop"
      : `${loop.backend}: ${loop.iterations} waits, ${loop.wakeups} wake-ups, ` +
        `${loop.bytesIn} bytes in, ${loop.bytesOut} bytes out`;
  return (
    `${stats.clients.joined} clients joined (${stats.clients.connected} connected), ` +
    `${stats.messages} lines received, ${stats.drops.sendq} dropped for sendq, ` +
    `${stats.drops.refused} refused; ${waits}`
  );
}
