/**
 * A listening TCP socket on Node's own `net` (libuv's epoll) for `--backend node`: the
 * counterpart of Listener. It hands over `net.Socket`s, and refuses like Listener those whose fd
 * reaches the ceiling: one line of explanation and a close, rather than running the process out
 * of fds (where libuv would silently close what it accepts).
 */
import net from 'node:net';

import type { SocketAddress } from '../native/addon';
import type { SystemError } from '../native/errno';
import type { ListenOptions, RefusalReason } from './listener';
import { peerOf } from './node-channel';

export interface NodeListenOptions extends ListenOptions {
  /** Connections whose fd is at or past this are refused. */
  maxFds: number;
}

export interface NodeListenerHandlers {
  /** A new connection; the socket is now yours. */
  onConnection(socket: net.Socket): void;
  /** A connection that is closed right after this call; a line written here is all it gets. */
  onRefused(socket: net.Socket, peer: SocketAddress, reason: RefusalReason): void;
  /** accept() failed; the listener goes on. */
  onError(error: SystemError): void;
}

/** The fd under a Node socket (libuv's handle knows it; Node does not document it). */
function fdOf(socket: net.Socket): number {
  const handle = (socket as unknown as { _handle?: { fd?: number } })._handle;
  return handle?.fd ?? -1;
}

export class NodeListener {
  /** Resolves once listening; rejects with listen's error (EADDRINUSE, ...). */
  readonly listening: Promise<void>;
  #server: net.Server;
  #maxFds: number;
  #handlers: NodeListenerHandlers;

  constructor(options: NodeListenOptions, handlers: NodeListenerHandlers) {
    this.#maxFds = options.maxFds;
    this.#handlers = handlers;
    this.#server = net.createServer((socket) => this.#admit(socket));
    const server = this.#server;
    this.listening = new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(
        { host: options.host, port: options.port, backlog: options.backlog ?? 511 },
        () => {
          server.off('error', reject);
          server.on('error', (error: SystemError) => handlers.onError(error));
          resolve();
        },
      );
    });
  }

  /** Where it listens; valid once `listening` has resolved. */
  get address(): SocketAddress {
    const { address, port, family } = this.#server.address() as net.AddressInfo;
    return { address, port, family: family === 'IPv6' ? 6 : 4 };
  }

  /** Stop accepting; the connections already accepted go on. */
  close(): void {
    this.#server.close();
  }

  #admit(socket: net.Socket): void {
    if (fdOf(socket) < this.#maxFds) return this.#handlers.onConnection(socket);
    socket.on('error', () => undefined); // a refused peer's reset is no one's concern
    this.#handlers.onRefused(socket, peerOf(socket), 'server-full');
    socket.end(() => socket.destroy());
  }
}
