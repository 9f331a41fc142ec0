/**
 * Per-connection chat state. The room owns members: it creates them in `join()`, renames them and
 * marks them gone; commands read them.
 */
import { formatHostPort } from '../protocol/address';
import type { Peer } from './peer';
import { WordFilter } from './word-filter';

/** One connected user. */
export class Member {
  /** The connection; the room sends through it. */
  readonly peer: Peer;
  /** When the member joined, in ms since the epoch. */
  readonly connectedAt: number;
  /** When the member last sent a line, in ms since the epoch (WHOIS `idle`). */
  lastActiveAt: number;
  /** Words this member does not want to see in MSG, ACTION or WHISPER text. */
  readonly filter = new WordFilter();
  #nick: string;
  #present = true;
  #admin: string | undefined;

  /** Created by the room only; see `Room.join`. */
  constructor(peer: Peer, nick: string, now: number) {
    this.peer = peer;
    this.#nick = nick;
    this.connectedAt = now;
    this.lastActiveAt = now;
  }

  /** The current nick, as the user spelled it. */
  get nick(): string {
    return this.#nick;
  }

  /** False once the member has left the room; lines from it are then ignored. */
  get present(): boolean {
    return this.#present;
  }

  /** The admin account this member logged in to (`/login`), or undefined. */
  get admin(): string | undefined {
    return this.#admin;
  }

  /** Makes the member an admin for the rest of the connection; `/login` only. */
  promote(account: string): void {
    this.#admin = account;
  }

  /** @internal Room only: the nick index must change with it. */
  setNick(nick: string): void {
    this.#nick = nick;
  }

  /** @internal Room only. */
  markGone(): void {
    this.#present = false;
  }

  /** `ip:port`, with IPv6 addresses in brackets (`[::1]:5000`) so the port stays unambiguous. */
  get address(): string {
    // A socket reset before the transport learnt its address may report '', which is no ARG.
    return formatHostPort(this.peer.remoteAddress || 'unknown', this.peer.remotePort);
  }
}
