/**
 * The chat server: one room, its listeners (plain TCP, TLS), and a
 * Connection per client. Wiring only; the room decides, the transports
 * carry bytes: raw fds on the readiness loop, or Node's own sockets
 * (`--backend node`).
 */
import type net from 'node:net';
import type tls from 'node:tls';

import type { ServerModeration } from '../admin/moderation';
import { describeBan } from '../chat/commands/moderation';
import { Room } from '../chat/room';
import { addon, type SocketAddress } from '../native/addon';
import type { EventLoop } from '../loop/event-loop';
import { formatEvent } from '../protocol/format';
import type { Channel, ChannelHandlers } from '../transport/channel';
import { FdSocket } from '../transport/fd-socket';
import { Listener, type RefusalReason } from '../transport/listener';
import { NodeChannel, peerOf } from '../transport/node-channel';
import { NodeListener } from '../transport/node-listener';
import { NodeTlsChannel } from '../transport/node-tls-channel';
import { TlsChannel } from '../transport/tls-channel';
import { Connection, type ChannelFactory } from './connection';
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
  /** Connections whose fd reaches this are refused (on the loop: its own ceiling). */
  maxFds: number;
  /** Admin accounts and bans; without it, no admins and no bans. */
  moderation?: ServerModeration;
}

export type ListenerKind = 'plain' | 'tls';

/** A TLS channel during its handshake, on either transport. */
interface PendingTls extends Channel {
  readonly description: string;
  attach(handlers: ChannelHandlers): void;
}

interface HandshakeHooks {
  onSecure(): void;
  onFailure(error: Error): void;
}

const REFUSALS: Record<RefusalReason, string> = {
  'server-full': 'the server is full; try again later',
};

/** Shows an address the way users type it: `[::1]:7000`, `127.0.0.1:7000`. */
export function formatAddress({ address, port }: Pick<SocketAddress, 'address' | 'port'>): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export class ChatServer {
  readonly room: Room;
  readonly listeners = new Map<ListenerKind, Listener | NodeListener>();
  /** Resolves once every listener listens; rejects as the constructor throws (Node's listen is late). */
  readonly listening: Promise<void>;
  #loop: EventLoop | undefined; // undefined: Node's own sockets carry the bytes
  #log: Logger;
  #options: ChatServerOptions;
  #handshakes = new Set<PendingTls>();
  #counters = new ServerCounters();
  #startedAt = Date.now();

  /** Starts listening at once; throws a coded error (EADDRINUSE, ...) if it cannot. */
  constructor(loop: EventLoop | undefined, options: ChatServerOptions, log: Logger) {
    this.#loop = loop;
    this.#log = log;
    this.#options = options;
    this.room = new Room({ moderation: options.moderation });
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
      loop: this.#loop?.stats(),
    };
  }

  #listen(kind: ListenerKind, port: number): Promise<void> {
    const fail = (error: unknown): never => {
      const where = formatAddress({ address: this.#options.host, port });
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
    const accept = kind === 'plain' ? this.#acceptPlain : this.#acceptTls;
    return new Listener(
      loop,
      { host: this.#options.host, port },
      {
        onConnection: (fd, peer) => {
          addon.fdSetNoDelay(fd, 1);
          accept(loop, fd, peer);
        },
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
        onConnection: (socket) => {
          socket.setNoDelay(true);
          if (kind === 'plain') {
            this.#admit('plain', peerOf(socket), (handlers) =>
              new NodeChannel(socket).attach(handlers),
            );
          } else this.#acceptNodeTls(socket);
        },
        onRefused: (socket, peer, reason) =>
          this.#refuse(kind, peer, reason, (line) => socket.write(line)),
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

  /**
   * A banned address is told why and closed before it joins, so nobody sees a JOIN. Over TLS this
   * happens once the handshake is done: a cleartext line on a TLS port would only be garbage.
   */
  #admit(kind: ListenerKind, peer: SocketAddress, open: ChannelFactory): void {
    const ban = this.#options.moderation?.addressBan(peer.address);
    if (ban === undefined) return this.#join(open);
    const channel = open({
      onData: () => undefined,
      onEnd: () => undefined,
      onClose: () => undefined,
    });
    channel.write(formatEvent(new Date().toISOString(), 'ERROR', ['banned'], describeBan(ban)));
    channel.end();
    this.#log.info(
      { peer: formatAddress(peer) },
      `refused (${kind}): banned (ban on ${ban.target})`,
    );
  }

  #acceptPlain = (loop: EventLoop, fd: number, peer: SocketAddress): void => {
    this.#admit('plain', peer, (handlers) => new FdSocket(loop, fd, peer, handlers));
  };

  #acceptTls = (loop: EventLoop, fd: number, peer: SocketAddress): void => {
    const options = this.#options.tls as TlsListenOptions;
    this.#handshake(peer, (hooks) => new TlsChannel(loop, fd, peer, options, hooks));
  };

  #acceptNodeTls(socket: net.Socket): void {
    const options = this.#options.tls as TlsListenOptions;
    this.#handshake(peerOf(socket), (hooks) => new NodeTlsChannel(socket, options, hooks));
  }

  /** A TLS client joins the room only once its handshake has succeeded. */
  #handshake(peer: SocketAddress, open: (hooks: HandshakeHooks) => PendingTls): void {
    const channel = open({
      onSecure: () => {
        this.#handshakes.delete(channel);
        this.#log.debug({ peer: formatAddress(peer) }, `TLS: ${channel.description}`);
        this.#admit('tls', peer, (handlers) => {
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
    this.#counters.refused++;
    if (kind === 'plain') {
      write(formatEvent(new Date().toISOString(), 'ERROR', [reason], REFUSALS[reason]));
    }
    this.#log.warn(`refused ${formatAddress(peer)} (${kind}): ${reason}`);
  }
}
