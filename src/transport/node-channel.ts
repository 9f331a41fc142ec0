/**
 * A Channel over one of Node's own sockets (a `net.Socket`, or a `tls.TLSSocket`, which is one):
 * the `--backend node` baseline. It is written the way a TypeScript developer would write a chat
 * server with `net`: libuv watches the fd, Node's streams hold what the kernel does not take, and
 * every line is one `socket.write`. Nothing here is tuned; it is what the native backends are
 * measured against.
 */
import type net from 'node:net';
import tls from 'node:tls';

import type { SocketAddress } from '../native/addon';
import { LINGER_MS, type Channel, type ChannelError, type ChannelHandlers } from './channel';

/** The peer's address; a peer that reset before we asked has none left to give. */
export function peerOf(socket: net.Socket): SocketAddress {
  return {
    address: socket.remoteAddress ?? '',
    port: socket.remotePort ?? 0,
    family: socket.remoteFamily === 'IPv6' ? 6 : 4,
  };
}

export class NodeChannel implements Channel {
  readonly remote: SocketAddress;
  readonly secure: boolean;
  protected readonly socket: net.Socket;
  #handlers: ChannelHandlers | undefined;
  #error: ChannelError | undefined;
  #linger: NodeJS.Timeout | undefined;

  /** Takes the socket over at once (an unhandled 'error' would crash the process). */
  constructor(socket: net.Socket) {
    this.socket = socket;
    this.remote = peerOf(socket);
    this.secure = socket instanceof tls.TLSSocket;
    // A socket error has destroyed it already, but a TLS one (a corrupt record after the
    // handshake) has not: close it, or the peer stays in the room.
    socket.on('error', (error: Error) => {
      this.#error ??= error;
      socket.destroy();
    });
    socket.once('close', () => {
      clearTimeout(this.#linger);
      this.#handlers?.onClose(this.#error);
    });
  }

  /** The first error the socket reported, if any. */
  protected get error(): ChannelError | undefined {
    return this.#error;
  }

  protected get attached(): boolean {
    return this.#handlers !== undefined;
  }

  /** Start delivering to `handlers`; once. */
  attach(handlers: ChannelHandlers): this {
    this.#handlers = handlers;
    // Our reader decides when to end after the peer's FIN (it may still hold input back), as
    // FdSocket lets it: Node would otherwise end and close at once, even while paused.
    this.socket.allowHalfOpen = true;
    this.socket.on('data', (chunk: Buffer) => handlers.onData(chunk));
    this.socket.on('end', () => handlers.onEnd());
    return this;
  }

  /** What Node's stream holds: written by us, not yet taken by the kernel. */
  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  write(chunk: Buffer): void {
    if (this.socket.writable) this.socket.write(chunk);
  }

  setReading(reading: boolean): void {
    if (reading) this.socket.resume();
    else this.socket.pause();
  }

  /** Flush, FIN, and close once the peer has closed too, or after the linger. */
  end(): void {
    if (this.socket.destroyed || this.#linger !== undefined) return;
    this.socket.end();
    // A peer that never closes its side must not hold the fd for ever.
    this.#linger = setTimeout(() => this.socket.destroy(), LINGER_MS);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
