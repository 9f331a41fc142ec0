/**
 * A TLS connection on a raw fd: ciphertext moves between the fd and Node's
 * `tls` through an FdDuplex, and the cleartext side is a Channel like plain
 * TCP's, so nothing above this file knows the bytes were encrypted.
 *
 * The handshake comes first: until it completes (or fails, or times out)
 * no Channel handlers exist, so nobody joins the room before it is secure.
 */
import { constants } from 'node:crypto';
import tls from 'node:tls';

import type { SocketAddress } from '../native/addon';
import type { EventLoop } from '../loop/event-loop';
import type { Channel, ChannelError, ChannelHandlers } from './channel';
import { FdDuplex } from './fd-duplex';

export interface TlsHandshake {
  /** The handshake succeeded: `attach()` the channel's consumer now. */
  onSecure(channel: TlsChannel): void;
  /** It failed or timed out; the connection is already being closed. */
  onFailure(error: Error): void;
}

/** A handshake failure in words: OpenSSL's reason, not its whole error stack. */
export function describeFailure(error: (ChannelError & { reason?: string }) | undefined): string {
  if (error === undefined) return 'the client closed the connection during the handshake';
  if (error.code === 'ECONNRESET') return 'the client reset the connection during the handshake';
  if (error.reason !== undefined) return `${error.reason} (${error.code ?? 'TLS error'})`;
  return error.message;
}

export interface TlsChannelOptions {
  context: tls.SecureContext;
  handshakeTimeoutMs: number;
}

// Channels written to in this turn: their lines go to TLS together when the turn's JavaScript
// has run, one write (one encryption, one TLS record or a few) per channel per turn.
let pendingChannels: TlsChannel[] = [];

function flushPendingChannels(): void {
  const channels = pendingChannels;
  pendingChannels = [];
  for (const channel of channels) channel.flushPending();
}

/**
 * `chunks` as one Buffer of `bytes` bytes. A broadcast burst is a run of lines that lie back to
 * back in one LineArena slab, which is never reused: then a view of the run does, without a copy.
 */
function joined(chunks: readonly Buffer[], bytes: number): Buffer {
  const first = chunks[0] as Buffer;
  if (chunks.length === 1) return first;
  const memory = first.buffer;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < chunks.length; i++) {
    const chunk = chunks[i] as Buffer;
    if (chunk.byteOffset !== end || chunk.buffer !== memory) return Buffer.concat(chunks, bytes);
    end += chunk.length;
  }
  return Buffer.from(memory, first.byteOffset, bytes);
}

export class TlsChannel implements Channel {
  readonly remote: SocketAddress;
  readonly secure = true;
  #duplex: FdDuplex;
  #tls: tls.TLSSocket;
  #handlers: ChannelHandlers | undefined;
  #error: ChannelError | undefined;
  #pending: Buffer[] = []; // cleartext not yet handed to TLS: this turn's, or behind a write
  #pendingBytes = 0;
  #writing = false; // a write handed to TLS is not written out yet
  #written = (): void => {
    this.#writing = false;
    this.flushPending();
  };

  constructor(
    loop: EventLoop,
    fd: number,
    remote: SocketAddress,
    options: TlsChannelOptions,
    handshake: TlsHandshake,
  ) {
    this.remote = remote;
    this.#duplex = new FdDuplex(loop, fd, remote);
    this.#tls = new tls.TLSSocket(this.#duplex, {
      isServer: true,
      secureContext: options.context,
    });
    const timer = setTimeout(() => {
      this.#tls.destroy(new Error(`handshake timed out after ${options.handshakeTimeoutMs} ms`));
    }, options.handshakeTimeoutMs);
    this.#tls.once('secure', () => {
      clearTimeout(timer);
      takeErrors(this.#tls);
      handshake.onSecure(this);
    });
    // A TLS error after the handshake (a forged or corrupt record: OpenSSL has already sent the
    // peer its alert) leaves Node's TLSSocket open: close it, or the peer stays in the room.
    this.#tls.on('error', (error: Error) => {
      this.#error ??= error;
      this.#tls.destroy();
    });
    // Node keeps the wrapped stream's own errors (ECONNRESET) to itself unless told otherwise:
    // take them from the duplex, first, so a reset is reported as one.
    this.#duplex.on('error', (error: Error) => (this.#error ??= error));
    // A FIN before the handshake completes ends it: the client has left (the TLS socket, being
    // half-open like its duplex, would otherwise wait for the handshake timeout).
    this.#duplex.once('end', () => {
      if (this.#handlers === undefined) this.#tls.destroy();
    });
    this.#tls.once('close', () => {
      clearTimeout(timer);
      if (this.#handlers === undefined) {
        handshake.onFailure(new Error(describeFailure(this.#error)));
      } else {
        this.#handlers.onClose(this.#error);
      }
    });
  }

  /** The TLS version and cipher agreed on, e.g. `TLSv1.3 TLS_AES_256_GCM_SHA384`. */
  get description(): string {
    return `${this.#tls.getProtocol() ?? 'TLS'} ${this.#tls.getCipher().standardName}`;
  }

  /** Start delivering cleartext to `handlers`; once, after onSecure. */
  attach(handlers: ChannelHandlers): void {
    this.#handlers = handlers;
    this.#tls.on('data', (chunk: Buffer) => handlers.onData(chunk));
    this.#tls.on('end', () => handlers.onEnd());
  }

  /**
   * What the kernel has not taken: the ciphertext (what TLS encrypted is counted once, as that),
   * plus the cleartext waiting for TLS, but the latter only while the fd is backed up: while it
   * is not, that cleartext is on its way (a burst to a client that reads), not stuck behind a
   * client that does not.
   */
  get queuedBytes(): number {
    const waiting = this.#duplex.blocked ? this.#pendingBytes : 0;
    return waiting + this.#duplex.queuedBytes;
  }

  /**
   * Kept until the turn ends, then written to TLS with the turn's other lines in one piece: each
   * write to a TLSSocket costs a record, an encryption and a trip through the stream machinery,
   * so a broadcast burst must not pay them per line.
   */
  write(chunk: Buffer): void {
    if (this.#tls.writableEnded || this.#tls.destroyed) return;
    this.#pendingBytes += chunk.length;
    if (this.#pending.push(chunk) === 1 && pendingChannels.push(this) === 1) {
      process.nextTick(flushPendingChannels);
    }
  }

  /**
   * @internal Hand the cleartext to TLS, unless its last write is not written out: one at a time,
   * so that TLS holds none unencrypted (it is all here, counted) and the turns that come meanwhile
   * go in one write, later.
   */
  flushPending(): void {
    if (!this.#writing) this.#write();
  }

  #write(): void {
    const chunks = this.#pending;
    if (chunks.length === 0) return;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#tls.writableEnded || this.#tls.destroyed) return;
    this.#writing = true;
    this.#tls.write(joined(chunks, bytes), this.#written);
  }

  setReading(reading: boolean): void {
    if (reading) this.#tls.resume();
    else this.#tls.pause();
  }

  /** What is owed (TLS queues it behind a write in progress), close_notify, then the fd's close. */
  end(): void {
    this.#write();
    if (!this.#tls.destroyed) this.#tls.end();
  }

  destroy(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#tls.destroy();
  }
}

/**
 * Have `socket` emit its TLS errors as 'error' from now on. Node's TLSSocket reports an error
 * after the handshake (a corrupt or forged record) only once "control is released", which
 * `tls.Server` does when it hands a socket to its user; a server-side TLSSocket made by hand, as
 * ours are (over our own fds, or after our own fd ceiling check), never is, and such an error
 * would pass silently while the peer stays in the room. So do what tls.Server does, once secure.
 */
export function takeErrors(socket: tls.TLSSocket): void {
  (socket as tls.TLSSocket & { _releaseControl?: () => boolean })._releaseControl?.();
}

/**
 * The server's TLS settings: TLS 1.2 at least, Node's default (modern)
 * ciphers, and no renegotiation (a client-driven CPU sink and an old source
 * of bugs; TLS 1.3 has none anyway).
 */
export function serverContext(cert: string, key: string): tls.SecureContext {
  return tls.createSecureContext({
    cert,
    key,
    minVersion: 'TLSv1.2',
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
  });
}
