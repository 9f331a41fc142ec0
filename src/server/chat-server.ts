/**
 * The chat server: one room, its listeners (plain TCP, TLS), and a
 * Connection per client. Wiring only; the room decides, the transports
 * carry bytes: raw fds on the readiness loop, or Node's own sockets
 * (`--backend node`).
 */
import type { ServerModeration } from '../admin/moderation';
import { describeBan } from '../chat/commands/moderation';
import type { StatsLine } from '../chat/commands/stats';
import type { Member } from '../chat/member';
import { Room } from '../chat/room';
import { addon, type SocketAddress } from '../native/addon';
import type { EventLoop } from '../loop/event-loop';
import { formatAddress, formatHostPort } from '../protocol/address';
import { formatEvent } from '../protocol/format';
import { Listener, type RefusalReason } from '../transport/listener';
import { NodeListener } from '../transport/node-listener';
import { Admission, REFUSALS, type AdmissionLimits, type Refusal, type Ticket } from './admission';
import { Connection, type ChannelFactory, type ConnectionOptions } from './connection';
import { ServerCounters } from './counters';
import { FloodControl, type FloodOptions } from './flood-control';
import type { Logger } from './log';
import { describeStats, loopStatsLines } from './server-stats';
import {
  fdArrival,
  socketArrival,
  type Arrival,
  type ListenerKind,
  type PendingTls,
  type TlsListenOptions,
} from './arrival';

export type { ListenerKind, TlsListenOptions } from './arrival';

export interface ChatServerOptions {
  host: string;
  /** The plain TCP port; undefined: no plain listener. */
  port: number | undefined;
  /** The TLS listener; undefined: none. */
  tls: TlsListenOptions | undefined;
  maxLineBytes: number;
  sendqBytes: number;
  /** Connections whose fd reaches this are refused (on the loop: its own ceiling). */
  maxFds: number;
  /** Admin accounts and bans; without it, no admins and no bans. */
  moderation?: ServerModeration;
  /** --max-clients, --max-per-ip, --limit-loopback. */
  limits: AdmissionLimits;
  /** undefined: no flood control (`--flood-rate 0`). */
  flood: FloodOptions | undefined;
  /** Seconds of silence before TCP keepalive probes; 0: no keepalive. */
  keepaliveSeconds: number;
  /** The settings `/stats` reports first (the limits above, and the others the server runs with). */
  settings?: readonly StatsLine[];
}

/**
 * Refused TLS connections told why in-band at once, at most: each costs a handshake, so past this
 * (a connection flood) they are closed without a word, as a TLS port can only do in cleartext.
 */
const MAX_TLS_REFUSALS = 16;

/** The error message a TLS channel's handshake timer gives. */
const HANDSHAKE_TIMED_OUT = /^handshake timed out /;

function errorLine(code: Refusal | 'banned', text: string): Buffer {
  return formatEvent(new Date().toISOString(), 'ERROR', [code], text);
}

export class ChatServer {
  readonly room: Room;
  readonly listeners = new Map<ListenerKind, Listener | NodeListener>();
  /** Resolves once every listener listens; rejects as the constructor throws (Node's listen is late). */
  readonly listening: Promise<void>;
  /** Joins, lines, refusals, drops, flood control, internal errors: what `/stats` counts. */
  readonly counters = new ServerCounters();
  readonly admission: Admission;
  #loop: EventLoop | undefined; // undefined: Node's own sockets carry the bytes
  #log: Logger;
  #options: ChatServerOptions;
  #handshakes = new Set<PendingTls>();
  #tlsRefusals = 0;
  #flood: ConnectionOptions['flood'];
  #startedAt = Date.now();

  /** Starts listening at once; throws a coded error (EADDRINUSE, ...) if it cannot. */
  constructor(loop: EventLoop | undefined, options: ChatServerOptions, log: Logger) {
    this.#loop = loop;
    this.#log = log;
    this.#options = options;
    this.admission = new Admission(options.limits);
    const flood = options.flood;
    if (flood !== undefined) this.#flood = (sink) => new FloodControl(flood, sink, this.counters);
    this.room = new Room({
      moderation: options.moderation,
      stats: () => this.stats(),
      onInternalError: (error, member) => this.#internalError(error, member),
    });
    const closeListeners = (error: unknown): never => {
      for (const listener of this.listeners.values()) listener.close();
      throw error;
    };
    const ready: Promise<void>[] = [];
    try {
      if (options.port !== undefined) ready.push(this.#listen('plain', options.port));
      if (options.tls !== undefined) ready.push(this.#listen('tls', options.tls.port));
    } catch (error) {
      closeListeners(error);
    }
    this.listening = Promise.all(ready).then(() => undefined, closeListeners);
  }

  /** Tell every client the server is going away, flush, close, stop listening. */
  close(): void {
    for (const listener of this.listeners.values()) listener.close();
    const pending = [...this.#handshakes];
    this.#handshakes.clear(); // first: a handshake the server ends is no failure to log
    for (const channel of pending) channel.destroy();
    this.room.shutdown();
  }

  /** What `/stats` shows: the settings, the current counts, the counters, then the loop's. */
  stats(): StatsLine[] {
    return [
      ...(this.#options.settings ?? []),
      ['uptime-s', Math.floor((Date.now() - this.#startedAt) / 1000)],
      ['clients', this.room.size],
      ['handshakes', this.#handshakes.size],
      ...this.admission.statsLines(),
      ...this.counters.statsLines(),
      ...loopStatsLines(this.#loop?.stats()),
    ];
  }

  /** One line for the log at shutdown: what the server and its loop did. */
  summary(): string {
    return describeStats(this.counters, this.room.size, this.#loop?.stats());
  }

  #listen(kind: ListenerKind, port: number): Promise<void> {
    const fail = (error: unknown): never => {
      const where = formatHostPort(this.#options.host, port);
      const message = error instanceof Error ? error.message : String(error);
      throw Object.assign(new Error(`cannot listen on ${where} (${kind}): ${message}`), {
        code: (error as { code?: string }).code,
      });
    };
    if (this.#loop === undefined) {
      const listener = this.#createNodeListener(kind, port);
      this.listeners.set(kind, listener);
      return listener.listening.catch(fail);
    }
    try {
      this.listeners.set(kind, this.#createListener(kind, port, this.#loop));
    } catch (error) {
      fail(error);
    }
    return Promise.resolve();
  }

  #createListener(kind: ListenerKind, port: number, loop: EventLoop): Listener {
    return new Listener(
      loop,
      { host: this.#options.host, port },
      {
        onConnection: (fd, peer) => this.#arrive(fdArrival(kind, loop, fd, peer, this.#options)),
        onRefused: (fd, peer, reason) =>
          this.#refuse(kind, peer, reason, (line) => addon.fdWrite(fd, line, 0, line.length)),
        onError: (error) => this.#log.warn(`accept failed: ${error.message}`),
      },
    );
  }

  #createNodeListener(kind: ListenerKind, port: number): NodeListener {
    const { host, maxFds } = this.#options;
    return new NodeListener(
      { host, port, maxFds },
      {
        onConnection: (socket) => this.#arrive(socketArrival(kind, socket, this.#options)),
        onRefused: (socket, peer, reason) =>
          this.#refuse(kind, peer, reason, (line) => socket.write(line)),
        onError: (error) => this.#log.warn(`accept failed: ${error.message}`),
      },
    );
  }

  /** A new connection: counted and carried on, or turned away over a limit. */
  #arrive(arrival: Arrival): void {
    const ticket = this.admission.admit(arrival.peer.address);
    if (typeof ticket === 'string') return this.#turnAway(arrival, ticket);
    try {
      if (arrival.kind === 'plain')
        return this.#admit('plain', arrival.peer, ticket, arrival.plain);
      this.#handshake(arrival, ticket.release, (open) =>
        this.#admit('tls', arrival.peer, ticket, open),
      );
    } catch (error) {
      ticket.release(); // the channel could not be made: the listener refuses the fd
      throw error;
    }
  }

  /**
   * Over a limit: one ERROR line, then the close. On TLS the line can only be told once the
   * handshake is done, as for a ban; a few such handshakes at a time, then silence.
   */
  #turnAway(arrival: Arrival, reason: Refusal): void {
    const { kind, peer } = arrival;
    const line = this.#refusal(kind, peer, reason);
    if (kind === 'plain') return arrival.refuse(line);
    if (this.#tlsRefusals >= MAX_TLS_REFUSALS) return arrival.refuse();
    this.#tlsRefusals++;
    const done = (): void => void this.#tlsRefusals--;
    this.#handshake(arrival, done, (open) => this.#tellAndClose(open, line, done));
  }

  #join(open: ChannelFactory, ticket: Ticket): void {
    const { maxLineBytes, sendqBytes } = this.#options;
    const onClosed = (): void => ticket.release();
    const { counters } = this;
    counters.joined++;
    const options = { maxLineBytes, sendqBytes, counters, flood: this.#flood, onClosed };
    new Connection(this.room, open, options, this.#log);
  }

  /**
   * A banned address is told why and closed before it joins, so nobody sees a JOIN. Over TLS this
   * happens once the handshake is done: a cleartext line on a TLS port would only be garbage.
   */
  #admit(kind: ListenerKind, peer: SocketAddress, ticket: Ticket, open: ChannelFactory): void {
    const ban = this.#options.moderation?.addressBan(peer.address);
    if (ban === undefined) return this.#join(open, ticket);
    this.counters.drop('banned');
    this.#tellAndClose(open, errorLine('banned', describeBan(ban)), ticket.release);
    this.#log.info(
      { peer: formatAddress(peer) },
      `refused (${kind}): banned (ban on ${ban.target})`,
    );
  }

  /** Opens the channel only to send `line` and close it gracefully; `onClose` once closed. */
  #tellAndClose(open: ChannelFactory, line: Buffer, onClose: () => void): void {
    const channel = open({ onData: () => undefined, onEnd: () => undefined, onClose });
    channel.write(line);
    channel.end();
  }

  /** A TLS client goes on (`secure`) only once its handshake has succeeded; else `failed`. */
  #handshake(arrival: Arrival, failed: () => void, secure: (open: ChannelFactory) => void): void {
    const peer = formatAddress(arrival.peer);
    const channel = arrival.tls({
      onSecure: () => {
        this.#handshakes.delete(channel);
        this.#log.debug({ peer }, `TLS: ${channel.description}`);
        secure((handlers) => {
          channel.attach(handlers);
          return channel;
        });
      },
      onFailure: (error) => {
        const wasPending = this.#handshakes.delete(channel);
        failed();
        if (!wasPending) return; // close() ended it: the server is shutting down
        if (HANDSHAKE_TIMED_OUT.test(error.message)) this.counters.drop('handshake-timeout');
        this.#log.info({ peer }, `TLS handshake failed: ${error.message}`);
      },
    });
    this.#handshakes.add(channel);
  }

  /** A line hit a bug: log it with its stack; the room has answered `ERROR internal-error`. */
  #internalError(error: unknown, member: Member): void {
    this.counters.internalErrors++;
    this.#log.error(
      { err: error, peer: member.address },
      `internal error carrying out a line from ${member.nick}; the server goes on`,
    );
  }

  /**
   * One line of explanation, written best-effort before the listener closes
   * the connection; not on TLS, where a cleartext line would only be garbage.
   */
  #refuse(
    kind: ListenerKind,
    peer: SocketAddress,
    reason: RefusalReason,
    write: (line: Buffer) => unknown,
  ): void {
    const line = this.#refusal(kind, peer, reason);
    if (kind === 'plain') write(line);
  }

  /** Counts and logs a refused connection; returns the line that tells it why. */
  #refusal(kind: ListenerKind, peer: SocketAddress, reason: RefusalReason | Refusal): Buffer {
    this.counters.drop(reason);
    this.#log.warn(`refused ${formatAddress(peer)} (${kind}): ${reason}`);
    return errorLine(reason, REFUSALS[reason]);
  }
}
