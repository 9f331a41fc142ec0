/**
 * Who may connect: at most `maxClients` connections at once, and at most `maxPerIp` from one
 * address (IPv6: one /64, the block one subscriber usually gets). Every accepted connection is
 * counted from accept to close, TLS handshakes included, since each holds an fd and memory
 * whether or not it has joined yet; so a client cannot hold the server with stalled handshakes
 * either. Loopback clients are exempt from the per-address limit unless `limitLoopback`, as in
 * Ergo: on the server's own machine they are its users or a proxy in front of it.
 */
import { parseAddress, userKey } from '../admin/ban-target';
import type { StatsLine } from '../chat/commands/stats';

export interface AdmissionLimits {
  maxClients: number;
  /** 0: no per-address limit. */
  maxPerIp: number;
  /** Count loopback clients against `maxPerIp` too. */
  limitLoopback: boolean;
}

/** Why a connection is turned away: the wire error code it is told. */
export type Refusal = 'server-full' | 'too-many-connections';

/** The text of the `ERROR <refusal>` line a connection turned away is told. */
export const REFUSALS: Record<Refusal, string> = {
  'server-full': 'the server is full; try again later',
  'too-many-connections': 'too many connections from your address; close one and try again',
};

/** One admitted connection's place; `release()` it when the connection closes (idempotent). */
export interface Ticket {
  release(): void;
}

/** The addresses `/stats` lists, with the most connections first. */
const TOP_ADDRESSES = 5;

function isLoopback(address: string): boolean {
  return parseAddress(address)?.range() === 'loopback';
}

export class Admission {
  readonly limits: AdmissionLimits;
  #connections = 0;
  readonly #perAddress = new Map<string, number>();

  constructor(limits: AdmissionLimits) {
    this.limits = limits;
  }

  /** Connections counted now. */
  get connections(): number {
    return this.#connections;
  }

  /** A ticket for a connection from `address`, or why it may not have one. */
  admit(address: string): Ticket | Refusal {
    const { maxClients, maxPerIp, limitLoopback } = this.limits;
    if (this.#connections >= maxClients) return 'server-full';
    const key = userKey(address);
    const count = this.#perAddress.get(key) ?? 0;
    if (maxPerIp > 0 && count >= maxPerIp && (limitLoopback || !isLoopback(address))) {
      return 'too-many-connections';
    }
    this.#perAddress.set(key, count + 1);
    this.#connections++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#connections--;
        const left = (this.#perAddress.get(key) as number) - 1;
        if (left === 0) this.#perAddress.delete(key);
        else this.#perAddress.set(key, left);
      },
    };
  }

  /** `/stats` lines: the connection count, then `ip:<address> <n>` for the busiest addresses. */
  statsLines(): StatsLine[] {
    const top = [...this.#perAddress].sort((a, b) => b[1] - a[1]).slice(0, TOP_ADDRESSES);
    return [
      ['connections', this.#connections],
      ['addresses', this.#perAddress.size],
      ...top.map(([key, n]): StatsLine => [`ip:${key}`, n]),
    ];
  }
}
