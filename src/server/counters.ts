/**
 * The counters of the server's defences: why connections were refused or dropped, how often
 * flood control held input back and how much it holds now, and how many lines hit a bug. They
 * live in this one small module so that `/stats` and the tests read them from one place; other
 * families of counters (the loop's) sit beside it as more lines of `/stats`, not in it.
 */
import type { StatsLine } from '../chat/commands/stats';
import { SENDQ_EXCEEDED } from '../protocol/limits';

/** Why a connection was refused (before it joined) or dropped (after). */
export const DROP_REASONS = [
  'server-full',
  'too-many-connections',
  'banned',
  'handshake-timeout',
  'sendq',
  'recvq',
  'flood',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export class ProtectionCounters {
  /** Connections refused or dropped, by reason, since the start. */
  readonly drops: Record<DropReason, number> = Object.fromEntries(
    DROP_REASONS.map((reason) => [reason, 0]),
  ) as Record<DropReason, number>;
  /** Times a client's input began to be held back by flood control. */
  throttled = 0;
  /** Lines flood control has held back, in all (they were delivered late, not dropped). */
  heldBackLines = 0;
  /** Clients whose input is held back now. */
  heldBackClients = 0;
  /** Bytes of input held back now, over all clients. */
  heldBackBytes = 0;
  /** Lines whose handling threw: bugs, each answered with `ERROR internal-error`. */
  internalErrors = 0;

  drop(reason: DropReason): void {
    this.drops[reason]++;
  }

  /**
   * A client has left with QUIT `quitReason`: counted if the sendq dropped it (flood control
   * counts its own drops as it makes them; the connection closes only after a linger).
   */
  closed(quitReason: string): void {
    if (quitReason === SENDQ_EXCEEDED) this.drops.sendq++;
  }

  /** `/stats` lines: the current gauges, then the counters. */
  lines(): StatsLine[] {
    return [
      ['held-back-clients', this.heldBackClients],
      ['held-back-bytes', this.heldBackBytes],
      ...DROP_REASONS.map((reason): StatsLine => [`drops-${reason}`, this.drops[reason]]),
      ['throttled-flood', this.throttled],
      ['held-back-lines', this.heldBackLines],
      ['internal-errors', this.internalErrors],
    ];
  }
}
