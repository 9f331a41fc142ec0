/**
 * A connected, non-blocking socket fd driven by the readiness loop: reads
 * into a shared slab, writes directly when it can and queues what the
 * kernel would not take, and closes gracefully.
 *
 * It knows nothing of lines or chat: bytes in, bytes out.
 */
import { addon, type SocketAddress } from '../native/addon';
import { EAGAIN, errnoError, type SystemError } from '../native/errno';
import { READABLE, WRITABLE, type EventLoop, type FdWatcher } from '../loop/event-loop';
import type { Channel, ChannelHandlers } from './channel';
import { WriteQueue } from './write-queue';

/** onData's chunk is a view into a slab shared by every FdSocket. */
export interface FdSocketHandlers extends ChannelHandlers {
  /** The write queue has emptied: for a producer that waits for room. */
  onDrain?(): void;
  /** As Channel's; an FdSocket's errors are always system errors. */
  onClose(error?: SystemError): void;
}

/** Bytes read per readable event; one read per event keeps turns fair. */
const READ_CHUNK = 64 * 1024;
/** How long a graceful close waits for the peer to close its side. */
const LINGER_MS = 2000;

// One slab serves every socket: a read's bytes are handed on before the next.
const slab = Buffer.allocUnsafe(READ_CHUNK);

// Sockets written to in this turn, flushed together when it ends.
let dirtySockets: FdSocket[] = [];

export class FdSocket implements Channel {
  readonly fd: number;
  readonly remote: SocketAddress;
  readonly secure = false;
  #watcher: FdWatcher;
  #handlers: FdSocketHandlers;
  #queue = new WriteQueue();
  #reading = true;
  #eof = false; // the peer has sent FIN
  #ending = false; // end() called: close once the queue is flushed
  #closed = false;
  #dirty = false; // queued in this turn, awaiting the end-of-turn flush
  #linger: NodeJS.Timeout | undefined;

  constructor(loop: EventLoop, fd: number, remote: SocketAddress, handlers: FdSocketHandlers) {
    this.fd = fd;
    this.remote = remote;
    this.#handlers = handlers;
    this.#watcher = loop.watch(fd, (events) => this.#onEvents(events));
    try {
      this.#watcher.start(READABLE);
    } catch (error) {
      this.#watcher.close();
      throw error;
    }
  }

  /** Bytes accepted by write() and not yet taken by the kernel. */
  get queuedBytes(): number {
    return this.#queue.bytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queue bytes for the peer. They are written when the current call stack
   * unwinds, together with everything else queued in this turn: one
   * sendmsg per socket per turn, however many lines a broadcast produced.
   */
  write(chunk: Buffer): void {
    if (this.#closed || this.#ending) return;
    if (this.#queue.empty && !this.#dirty) FdSocket.#markDirty(this);
    this.#queue.push(chunk);
  }

  /** Stop or resume reading (backpressure from whoever consumes onData). */
  setReading(reading: boolean): void {
    this.#reading = reading;
    this.#updateInterest();
  }

  /**
   * Close gracefully: flush what is queued, send FIN, then wait (briefly)
   * for the peer's FIN before closing, so that a close never turns into a
   * reset that destroys the last lines on their way to the peer.
   */
  end(): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    // A peer that never reads must not hold the fd forever.
    this.#linger = setTimeout(() => this.destroy(), LINGER_MS);
    // Reading resumes even if the consumer had paused it: what arrives now is discarded, and
    // only reading can tell us the peer's FIN has come.
    this.#reading = !this.#eof;
    if (this.#queue.empty) this.#shutdown();
    else this.#updateInterest();
  }

  /** Close now; queued bytes are dropped. */
  destroy(error?: SystemError): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#linger);
    this.#queue.clear();
    this.#watcher.close();
    addon.fdClose(this.fd);
    process.nextTick(() => this.#handlers.onClose(error));
  }

  static #markDirty(socket: FdSocket): void {
    socket.#dirty = true;
    if (dirtySockets.push(socket) === 1) process.nextTick(FdSocket.#flushDirty);
  }

  static #flushDirty(): void {
    const sockets = dirtySockets;
    dirtySockets = [];
    for (const socket of sockets) {
      socket.#dirty = false;
      if (!socket.#closed) socket.#flush();
    }
  }

  #onEvents(events: number): void {
    if (events & WRITABLE) this.#flush();
    if (events & READABLE && !this.#closed) this.#read();
  }

  #read(): void {
    const n = addon.fdRead(this.fd, slab, 0, slab.length);
    if (n > 0) {
      if (!this.#ending) this.#handlers.onData(slab.subarray(0, n));
    } else if (n === 0) {
      this.#onEof();
    } else if (n !== EAGAIN) {
      this.#fail(n, 'read');
    }
  }

  #onEof(): void {
    this.#eof = true;
    this.#reading = false;
    if (this.#ending && this.#queue.empty) return this.destroy();
    this.#updateInterest();
    if (!this.#ending) this.#handlers.onEnd();
  }

  #flush(): void {
    if (this.#queue.empty) return;
    const chunks = this.#queue.front(addon.IOV_MAX);
    // One buffer (the usual case, lines being merged) skips the array crossing.
    const written =
      chunks.length === 1
        ? addon.fdWrite(this.fd, chunks[0], 0, chunks[0].length)
        : addon.fdWritev(this.fd, chunks);
    if (written < 0) {
      if (written !== EAGAIN) return this.#fail(written, 'write');
      return this.#updateInterest();
    }
    this.#queue.advance(written);
    if (this.#queue.empty && this.#ending) return this.#shutdown();
    this.#updateInterest();
    if (this.#queue.empty) this.#handlers.onDrain?.();
  }

  // FIN, then read (and discard) until the peer's FIN or the linger timer.
  #shutdown(): void {
    addon.fdShutdown(this.fd, addon.SHUT_WR);
    if (this.#eof) this.destroy();
    else this.#updateInterest();
  }

  #updateInterest(): void {
    if (this.#closed) return;
    const events = (this.#reading ? READABLE : 0) | (this.#queue.empty ? 0 : WRITABLE);
    this.#watcher.start(events);
  }

  #fail(ret: number, syscall: string): void {
    this.destroy(errnoError(ret, syscall));
  }
}
