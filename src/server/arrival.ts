/**
 * One accepted connection, whichever backend accepted it, as ChatServer needs it: its address,
 * how to refuse it at once, and how to make its plain or TLS channel. The raw-fd and the Node
 * socket cases differ only here, so the server's admission, bans and handshakes are written once.
 */
import type net from 'node:net';
import type tls from 'node:tls';

import type { EventLoop } from '../loop/event-loop';
import { addon, type SocketAddress } from '../native/addon';
import type { Channel, ChannelHandlers } from '../transport/channel';
import { FdSocket } from '../transport/fd-socket';
import { NodeChannel, peerOf } from '../transport/node-channel';
import { NodeTlsChannel } from '../transport/node-tls-channel';
import { TlsChannel } from '../transport/tls-channel';
import type { ChannelFactory } from './connection';

export type ListenerKind = 'plain' | 'tls';

export interface TlsListenOptions {
  port: number;
  context: tls.SecureContext;
  handshakeTimeoutMs: number;
}

/** A TLS channel during its handshake, on either transport. */
export interface PendingTls extends Channel {
  readonly description: string;
  attach(handlers: ChannelHandlers): void;
}

export interface HandshakeHooks {
  onSecure(): void;
  onFailure(error: Error): void;
}

export interface Arrival {
  readonly kind: ListenerKind;
  readonly peer: SocketAddress;
  /** Writes `line` (if any) best-effort and closes the connection at once. */
  refuse(line?: Buffer): void;
  /** Its plain channel. */
  plain: ChannelFactory;
  /** Its TLS channel, during the handshake. */
  tls(hooks: HandshakeHooks): PendingTls;
}

/** How accepted connections are set up: TCP_NODELAY always, keepalive if > 0 seconds. */
export interface ArrivalOptions {
  keepaliveSeconds: number;
  tls: TlsListenOptions | undefined;
}

function tlsOf(options: ArrivalOptions): TlsListenOptions {
  if (options.tls === undefined) throw new Error('a TLS connection without TLS options');
  return options.tls;
}

/** A connection accepted on the readiness loop: a raw fd, now ours. */
export function fdArrival(
  kind: ListenerKind,
  loop: EventLoop,
  fd: number,
  peer: SocketAddress,
  options: ArrivalOptions,
): Arrival {
  addon.fdSetNoDelay(fd, 1);
  if (options.keepaliveSeconds > 0) addon.fdSetKeepAlive(fd, 1, options.keepaliveSeconds);
  return {
    kind,
    peer,
    refuse: (line) => {
      if (line !== undefined) addon.fdWrite(fd, line, 0, line.length);
      addon.fdClose(fd);
    },
    plain: (handlers) => new FdSocket(loop, fd, peer, handlers),
    tls: (hooks) => new TlsChannel(loop, fd, peer, tlsOf(options), hooks),
  };
}

/** A connection accepted by Node's own `net` (`--backend node`). */
export function socketArrival(
  kind: ListenerKind,
  socket: net.Socket,
  options: ArrivalOptions,
): Arrival {
  socket.setNoDelay(true);
  if (options.keepaliveSeconds > 0) socket.setKeepAlive(true, options.keepaliveSeconds * 1000);
  return {
    kind,
    peer: peerOf(socket),
    refuse: (line) => {
      socket.on('error', () => undefined); // a refused peer's reset is no one's concern
      if (line === undefined) socket.destroy();
      else socket.end(line, () => socket.destroy());
    },
    plain: (handlers) => new NodeChannel(socket).attach(handlers),
    tls: (hooks) => new NodeTlsChannel(socket, tlsOf(options), hooks),
  };
}
