/**
 * A `stream.Duplex` over an FdSocket, so that Node's `tls` can run on a raw
 * fd driven by our loop. Backpressure holds both ways: writes wait while the
 * fd's queue is over the high-water mark, and the fd stops being read while
 * the stream's reader does not take what was pushed.
 */
import { Duplex } from 'node:stream';

import type { SocketAddress } from '../native/addon';
import type { EventLoop } from '../loop/event-loop';
import { FdSocket } from './fd-socket';

/** Queued ciphertext past which writers wait for the fd to drain. */
const HIGH_WATER_BYTES = 64 * 1024;

export class FdDuplex extends Duplex {
  readonly socket: FdSocket;
  #pendingWrite: ((error?: Error | null) => void) | undefined;
  #pendingLength = 0; // of the chunk whose write waits: the socket has it already

  constructor(loop: EventLoop, fd: number, remote: SocketAddress) {
    super({ allowHalfOpen: true });
    this.socket = new FdSocket(loop, fd, remote, {
      // The slab is reused by the next read: hand the stream a copy.
      onData: (chunk) => {
        if (!this.push(Buffer.from(chunk))) this.socket.setReading(false);
      },
      onEnd: () => this.push(null),
      onDrain: () => this.#releaseWrite(),
      onClose: (error) => this.destroy(error),
    });
  }

  /** A write is waiting for the fd's queue to drain. */
  get blocked(): boolean {
    return this.#pendingWrite !== undefined;
  }

  /** Bytes written to this stream that the kernel has not taken: the socket's, and those behind. */
  get queuedBytes(): number {
    const behind = this.writableLength - (this.blocked ? this.#pendingLength : 0);
    return this.socket.queuedBytes + behind;
  }

  override _read(): void {
    this.socket.setReading(true);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
    this.socket.write(chunk);
    if (this.socket.queuedBytes < HIGH_WATER_BYTES) return done();
    this.#pendingWrite = done;
    this.#pendingLength = chunk.length;
  }

  override _final(done: (error?: Error | null) => void): void {
    this.socket.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.socket.destroy();
    this.#releaseWrite();
    done(error);
  }

  #releaseWrite(): void {
    const done = this.#pendingWrite;
    this.#pendingWrite = undefined;
    done?.();
  }
}
