/**
 * The server's counters: connections joined and lines received, why connections were refused or
 * dropped, how often flood control held input back and how much it holds now, and how many lines
 * hit a bug. Plain increments, cheap on the hot path; `/stats` and the shutdown summary read them
 * from this one place (the loop's own counters, src/loop/stats.ts, sit beside them).
 */
import type { StatsLine } from '../chat/commands/stats';

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

/** Refusals: connections turned away before they joined. */
const REFUSALS: readonly DropReason[] = ['server-full', 'too-many-connections', 'banned'];

export class ServerCounters {
  /** Connections that joined the room since the start. */
  joined = 0;
  /** Lines clients sent that reached the room (commands and chat alike). */
  lines = 0;
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

  /** Connections turned away before they joined: full, too many from one address, banned. */
  get refused(): number {
    return REFUSALS.reduce((sum, reason) => sum + this.drops[reason], 0);
  }

  /** `/stats` lines: the current gauges, then the counters. */
  statsLines(): StatsLine[] {
    return [
      ['clients-joined', this.joined],
      ['lines-received', this.lines],
      ['held-back-clients', this.heldBackClients],
      ['held-back-bytes', this.heldBackBytes],
      ...DROP_REASONS.map((reason): StatsLine => [`drops-${reason}`, this.drops[reason]]),
      ['throttled-flood', this.throttled],
      ['held-back-lines', this.heldBackLines],
      ['internal-errors', this.internalErrors],
    ];
  }
}
