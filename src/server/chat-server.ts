/**
 * The chat server: one room, its listeners (plain TCP, TLS), and a
 * Connection per client. Wiring only; the room decides, the transports
 * carry bytes.
 */
import type tls from 'node:tls';

import { Room } from '../chat/room';
import { addon, type SocketAddress } from '../native/addon';
import type { EventLoop } from '../loop/event-loop';
import { formatEvent } from '../protocol/format';
import type { Channel, ChannelHandlers } from '../transport/channel';
import { FdSocket } from '../transport/fd-socket';
import { Listener, type RefusalReason } from '../transport/listener';
import { TlsChannel } from '../transport/tls-channel';
import { Connection } from './connection';
import type { Logger } from './log';
import { ServerCounters, type ServerStats } from './server-stats';

export interface TlsListenOptions {
  port: number;
  context: tls.SecureContext;
  handshakeTimeoutMs: number;
}

export interface ChatServerOptions {
  host: string;
  /** The plain TCP port; undefined: no plain listener. */
  port: number | undefined;
  /** The TLS listener; undefined: none. */
  tls: TlsListenOptions | undefined;
  maxLineBytes: number;
  sendqBytes: number;
}

export type ListenerKind = 'plain' | 'tls';

const REFUSALS: Record<RefusalReason, string> = {
  'server-full': 'the server is full; try again later',
};

/** Shows an address the way users type it: `[::1]:7000`, `127.0.0.1:7000`. */
export function formatAddress({ address, port }: Pick<SocketAddress, 'address' | 'port'>): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export class ChatServer {
  readonly room = new Room();
  readonly listeners = new Map<ListenerKind, Listener>();
  #loop: EventLoop;
  #log: Logger;
  #options: ChatServerOptions;
  #handshakes = new Set<TlsChannel>();
  #counters = new ServerCounters();
  #startedAt = Date.now();

  /** Starts listening at once; throws a coded error (EADDRINUSE, ...) if it cannot. */
  constructor(loop: EventLoop, options: ChatServerOptions, log: Logger) {
    this.#loop = loop;
    this.#log = log;
    this.#options = options;
    try {
      if (options.port !== undefined) this.#listen('plain', options.port);
      if (options.tls !== undefined) this.#listen('tls', options.tls.port);
    } catch (error) {
      for (const listener of this.listeners.values()) listener.close();
      throw error;
    }
  }

  /** Tell every client the server is going away, flush, close, stop listening. */
  close(): void {
    for (const listener of this.listeners.values()) listener.close();
    for (const channel of this.#handshakes) channel.destroy();
    this.room.shutdown();
  }

  /** What the server and its loop have done since start (a snapshot; for `/stats`). */
  stats(): ServerStats {
    const counters = this.#counters;
    return {
      uptimeS: (Date.now() - this.#startedAt) / 1000,
      clients: { connected: this.room.size, joined: counters.joined },
      messages: counters.lines,
      drops: { sendq: counters.sendqDrops, refused: counters.refused },
      loop: this.#loop.stats(),
    };
  }

  #listen(kind: ListenerKind, port: number): void {
    try {
      this.listeners.set(kind, this.#createListener(kind, port));
    } catch (error) {
      const where = formatAddress({ address: this.#options.host, port });
      const message = error instanceof Error ? error.message : String(error);
      throw Object.assign(new Error(`cannot listen on ${where} (${kind}): ${message}`), {
        code: (error as { code?: string }).code,
      });
    }
  }

  #createListener(kind: ListenerKind, port: number): Listener {
    const accept = kind === 'plain' ? this.#acceptPlain : this.#acceptTls;
    return new Listener(
      this.#loop,
      { host: this.#options.host, port },
      {
        onConnection: (fd, peer) => {
          addon.fdSetNoDelay(fd, 1);
          accept(fd, peer);
        },
        onRefused: (fd, peer, reason) => this.#refuse(kind, fd, peer, reason),
        onError: (error) => this.#log.warn(`accept failed: ${error.message}`),
      },
    );
  }

  #join(open: (handlers: ChannelHandlers) => Channel): void {
    const { maxLineBytes, sendqBytes } = this.#options;
    const counters = this.#counters;
    counters.joined++;
    new Connection(this.room, open, { maxLineBytes, sendqBytes, counters }, this.#log);
  }

  #acceptPlain = (fd: number, peer: SocketAddress): void => {
    this.#join((handlers) => new FdSocket(this.#loop, fd, peer, handlers));
  };

  /** A TLS client joins the room only once its handshake has succeeded. */
  #acceptTls = (fd: number, peer: SocketAddress): void => {
    const options = this.#options.tls as TlsListenOptions;
    const channel = new TlsChannel(this.#loop, fd, peer, options, {
      onSecure: () => {
        this.#handshakes.delete(channel);
        this.#log.debug({ peer: formatAddress(peer) }, `TLS: ${channel.description}`);
        this.#join((handlers) => {
          channel.attach(handlers);
          return channel;
        });
      },
      onFailure: (error) => {
        this.#handshakes.delete(channel);
        this.#log.info({ peer: formatAddress(peer) }, `TLS handshake failed: ${error.message}`);
      },
    });
    this.#handshakes.add(channel);
  };

  /**
   * One line of explanation, written best-effort before the listener closes
   * the fd; not on TLS, where a cleartext line would only be garbage.
   */
  #refuse(kind: ListenerKind, fd: number, peer: SocketAddress, reason: RefusalReason): void {
    this.#counters.refused++;
    if (kind === 'plain') {
      const line = formatEvent(new Date().toISOString(), 'ERROR', [reason], REFUSALS[reason]);
      addon.fdWrite(fd, line, 0, line.length);
    }
    this.#log.warn(`refused ${formatAddress(peer)} (${kind}): ${reason}`);
  }
}
